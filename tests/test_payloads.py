"""Button payloads: readable action names that fit both platforms, and the old short codes of
buttons already sitting in residents' chats still working (mapped for one release)."""

from __future__ import annotations

from bot.core.buttons import parse
from bot.core.types import Context
from bot.handlers.deps import Deps
from bot.handlers.features import ACTIONS, NAMES, OLD_CODES, STATELESS, is_stale, resolve
from tests.chat import Chat

TELEGRAM_BYTES = 64  # callback_data
LINE_CHARS = 300  # postback data
NONCE = "a1b2c3"  # secrets.token_hex(3), as bot.core.buttons.stamp makes it
# The codes the router knew before readable names, and which of them were stateless.
OLD = frozenset((
    "topics", "topic", "faq", "more", "fb", "nomatch", "pick", "flow", "menu", "help",
    "mydata", "mydata_delete", "mydata_confirm", "mydata_keep", "propose", "myprops", "pv",
    "pb", "ps", "pk", "pr", "pp", "pe", "st", "handoff", "hq", "hd", "hy", "hn", "he", "hr",
    "tc", "tx", "tf", "ts", "events", "evp", "evr", "evc", "evn", "myevents", "evx", "evy",
    "evk", "evoa", "evor", "eva", "evi", "iv_menu", "iv_pick", "iv_sub", "iv_off", "nw_menu",
    "nw_sub", "news_off", "bc_aud", "bc_now", "bc_at", "bc_ok", "bc_urgent", "bc_no",
))
OLD_STATELESS = frozenset((
    "menu", "help", "faq", "more", "topic", "topics", "fb", "nomatch", "mydata", "propose",
    "myprops", "st", "handoff", "he", "hr", "tc", "tx", "tf", "ts", "events", "evp", "evr",
    "myevents", "evx", "evoa", "evor", "eva", "evi", "iv_menu", "iv_pick", "iv_sub", "iv_off",
    "nw_menu", "nw_sub", "news_off", "pick", "flow",
))


def longest_payloads(deps: Deps) -> dict[str, str]:
    """Per action name, the longest payload it can carry with this content."""
    return {name: f"{NONCE}|{name}|{action.longest(deps)}" for name, action in NAMES.items()}


def test_every_action_s_longest_payload_fits_telegram_and_line(deps: Deps) -> None:
    payloads = longest_payloads(deps)
    longest = max(payloads.values(), key=lambda p: len(p.encode()))
    print(f"longest payload: {longest!r} ({len(longest.encode())} bytes)")
    too_long = {p: len(p.encode()) for p in payloads.values()
                if len(p.encode()) > TELEGRAM_BYTES or len(p) > LINE_CHARS}
    assert too_long == {}
    assert all(parse(p) is not None and resolve(parse(p)).action == name  # type: ignore[arg-type]
               for name, p in payloads.items())


def test_action_names_are_readable() -> None:
    short = [name for name in NAMES if len(name.split(".")[-1]) < 3]
    assert short == [] and all(name.replace(".", "").replace("_", "").isalpha() for name in NAMES)
    assert set(OLD_CODES).isdisjoint(n for n in NAMES if n not in OLD_CODES.values())


def test_every_old_code_reaches_its_action_with_the_same_staleness() -> None:
    assert set(OLD) <= set(ACTIONS)
    for code in OLD:
        press = parse(f"oldone|{code}|x")
        assert press is not None
        name = resolve(press).action
        assert ACTIONS[code] is NAMES[name]
        assert (name in STATELESS) == (code in OLD_STATELESS), code
        assert is_stale(press, Context(nonce="newone")) == (code not in OLD_STATELESS), code


async def _observe(chat: Chat, seen: list[str], *steps: str) -> None:
    for step in steps:
        if step.startswith("press:"):
            await chat.press(step[6:])
        else:
            await chat.send(step)
        seen += [c.payload for c in chat.choices]


async def test_buttons_in_conversations_name_declared_actions_within_their_measure(
        chat: Chat, deps: Deps) -> None:
    seen: list[str] = []
    await _observe(chat, seen, "選單", "住民大會是什麼", "press:看更多", "社區", "我要提案",
                   "公園增設遮陽棚", "取消", "投票提醒", "press:選擇行政區", "我的資料",
                   "找真人", "取消", "關於", "常見問題")
    assert len(seen) > 40
    for payload in seen:
        press = parse(payload)
        assert press is not None and press.action in NAMES, payload  # no old code is sent
        measure = NAMES[press.action].longest(deps)
        assert len(press.arg.encode()) <= len(measure.encode()), payload


async def _both(chat: Chat, steps: tuple[str, ...], label: str, old: str) -> tuple[str, str]:
    """The same steps for two new users; one presses today's button, the other the same
    button with its old code: both answers."""
    answers = []
    for n in range(2):
        user = Chat(chat.dispatcher, f"{old}-user-{n}")
        for step in steps:
            await user.send(step)
        payload = next(c.payload for c in user.choices if label in c.label)
        press = parse(payload)
        assert press is not None and press.action == OLD_CODES[old]
        if n:
            payload = payload.replace(f"|{press.action}|", f"|{old}|")
        answers.append(await user.press_payload(payload))
    return answers[0], answers[1]


async def test_old_buttons_in_chats_still_work(chat: Chat) -> None:
    for steps, label, old in ((("我要提案", "公園增設遮陽棚"), "士林區", "pv"),
                              (("我要提案", "公園增設遮陽棚"), "上一步", "pb"),
                              (("投票提醒",), "全市", "iv_sub"),
                              (("投票提醒",), "選擇行政區", "iv_pick"),
                              (("住民大會是什麼",), "看更多", "more"),
                              (("找真人",), "不用了", "hn")):
        new, old_answer = await _both(chat, steps, label, old)
        assert new == old_answer and "已經過期" not in new, (old, new)
    stopped = await chat.press_payload("zzzzzz|iv_off|")  # under a reminder sent last month
    assert chat.meta.get("intent") == "ivoting" and "已經過期" not in stopped
