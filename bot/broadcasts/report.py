"""Progress and the final report of a broadcast, for its sender (the staff chat) and the CLI."""

from __future__ import annotations

from bot.broadcasts.compose import event_info
from bot.broadcasts.message import audience_label, goes_at
from bot.broadcasts.readers import EventInfo
from bot.common.content import Content
from bot.common.times import shown
from bot.core.serialize import reply_to_dict
from bot.core.types import Text
from bot.delivery.quiet import QuietHours
from bot.storage import broadcasts as store
from bot.storage import jobs
from bot.storage.models import Broadcast


def reasons_text(content: Content, reasons: dict[str, int], lang: str = "zh-TW") -> str:
    """「封鎖 2、已退出 1」: how many were not reached, by reason."""
    parts = []
    for code, count in sorted(reasons.items(), key=lambda kv: -kv[1]):
        key = f"broadcast.reason.{code}"
        name = content.t(key, lang) if key in content.strings else code
        parts.append(f"{name} {count:,}")
    return "、".join(parts) if lang != "en" else ", ".join(parts)


def when_text(content: Content, cast: Broadcast, quiet: QuietHours,
              lang: str = "zh-TW") -> str:
    """When a broadcast goes (and, when quiet hours hold it, when it was asked for)."""
    goes = goes_at(cast.run_at, quiet, cast.urgent)
    if goes == cast.run_at:
        return shown(goes, lang)
    return content.t("broadcast.report.deferred", lang, goes=shown(goes, lang),
                     asked=shown(cast.run_at, lang))


def status_text(content: Content, cast: Broadcast, reasons: dict[str, int],
                lang: str = "zh-TW", quiet: QuietHours | None = None,
                event: EventInfo | None = None) -> str:
    """A broadcast's state and counts, as a sentence or two."""
    t = content.t
    unsent = max(cast.total - cast.sent - cast.failed - cast.skipped, 0)
    lines = [t(f"broadcast.report.{cast.status}", lang, id=cast.id,
               audience=audience_label(content, cast.audience, lang, event),
               when=when_text(content, cast, quiet or QuietHours(), lang)),
             t("broadcast.report.counts", lang, total=f"{cast.total:,}", sent=f"{cast.sent:,}",
               failed=f"{cast.failed:,}", skipped=f"{cast.skipped:,}", unsent=f"{unsent:,}")]
    if reasons:
        lines.append(t("broadcast.report.reasons", lang, reasons=reasons_text(content, reasons,
                                                                            lang)))
    if cast.error and cast.status in ("refused", "stopped"):
        lines.append(t("broadcast.report.why", lang, error=cast.error))
    return "\n".join(lines)


class SenderReports:
    """Queues progress and final reports to the chat a broadcast was composed in."""

    def __init__(self, content: Content) -> None:
        self.content = content

    async def progress(self, broadcast_id: int, tenths: int) -> None:
        """「#12 已送出 30 %」 to the sender's chat (once per tenth)."""
        cast = await store.get(broadcast_id)
        if cast is None or not cast.sender_chat:
            return
        done = cast.sent + cast.failed + cast.skipped
        text = self.content.t("broadcast.progress", id=cast.id, percent=tenths * 10,
                              done=f"{done:,}", total=f"{cast.total:,}")
        await self._send(cast, text, f"progress:{tenths}")

    async def finished(self, broadcast_id: int) -> None:
        """The final report: sent, failed, skipped with reasons (or why it was refused)."""
        cast = await store.get(broadcast_id)
        if cast is None or not cast.sender_chat:
            return
        text = status_text(self.content, cast, await store.reasons(broadcast_id),
                           event=await event_info(cast.audience))
        await self._send(cast, text, f"final:{cast.status}")

    async def _send(self, cast: Broadcast, text: str, what: str) -> None:
        await jobs.enqueue_send(cast.sender_platform, cast.sender_chat,
                                [reply_to_dict(Text(text))],
                                dedupe_key=f"broadcast:{cast.id}:{what}")
