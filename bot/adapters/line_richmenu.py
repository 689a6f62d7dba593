"""Installing the rich menu on LINE with the SDK's typed API (not a hot path).

Create the menu, upload its image to the data host, make it the default, then delete the
bot's older menus. The menu's name carries a digest of its content, so running it again with
nothing changed does nothing, and a changed menu replaces the old one. Menus whose names do
not start with the content's `name` (made by hand, by another tool) are left alone.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from linebot.v3.messaging import (
    ApiException,
    AsyncApiClient,
    AsyncMessagingApi,
    AsyncMessagingApiBlob,
    Configuration,
    RichMenuRequest,
)

from bot.richmenu.draw import Picture
from bot.richmenu.spec import RichMenuSpec


@dataclass(frozen=True)
class Installed:
    """What happened: the default menu's id, whether it is new, the old ones deleted."""

    rich_menu_id: str
    created: bool
    deleted: tuple[str, ...]


class RichMenuError(Exception):
    """LINE refused a rich menu call; the message says which and why."""


def menu_request(spec: RichMenuSpec, picture: Picture) -> dict[str, Any]:
    """The createRichMenu body: one message action per tile, sending the tile's words."""
    areas = [{"bounds": {"x": b.x, "y": b.y, "width": b.width, "height": b.height},
              "action": {"type": "message", "label": t.label, "text": t.text}}
             for t, b in zip(spec.tiles, spec.grid(), strict=True)]
    body: dict[str, Any] = {"size": {"width": spec.width, "height": spec.height},
                            "selected": True, "name": "", "chatBarText": spec.chat_bar,
                            "areas": areas}
    digest = hashlib.sha256(json.dumps(body, sort_keys=True, ensure_ascii=False).encode()
                            + picture.data).hexdigest()[:12]
    return {**body, "name": f"{spec.name} {digest}"}


async def install(spec: RichMenuSpec, picture: Picture, *, token: str, api_base: str,
                  data_base: str) -> Installed:
    """Make this menu every user's default; idempotent (see the module's docstring)."""
    api_client = AsyncApiClient(Configuration(access_token=token, host=api_base))
    data_client = AsyncApiClient(Configuration(access_token=token, host=data_base))
    try:
        return await _install(AsyncMessagingApi(api_client), AsyncMessagingApiBlob(data_client),
                              spec, picture)
    except ApiException as exc:
        raise RichMenuError(_explain(exc)) from None
    finally:
        await api_client.close()
        await data_client.close()


async def _install(api: AsyncMessagingApi, blob: AsyncMessagingApiBlob, spec: RichMenuSpec,
                   picture: Picture) -> Installed:
    body = menu_request(spec, picture)
    ours = [m for m in (await api.get_rich_menu_list()).richmenus
            if m.name == spec.name or m.name.startswith(spec.name + " ")]
    default = await _default_id(api)
    current = next((m.rich_menu_id for m in ours if m.name == body["name"]
                    and m.rich_menu_id == default), None)
    created = current is None
    if current is None:
        request = RichMenuRequest.from_dict(body)
        await api.validate_rich_menu_object(request)
        current = (await api.create_rich_menu(request)).rich_menu_id
        await blob.set_rich_menu_image(current, picture.data,
                                       _headers={"Content-Type": picture.content_type})
        await api.set_default_rich_menu(current)
    stale = tuple(m.rich_menu_id for m in ours if m.rich_menu_id != current)
    for rich_menu_id in stale:  # only after the new one is the default: never a bare chat
        await api.delete_rich_menu(rich_menu_id)
    return Installed(current, created, stale)


async def _default_id(api: AsyncMessagingApi) -> str | None:
    try:
        return str((await api.get_default_rich_menu_id()).rich_menu_id)
    except ApiException as exc:
        if exc.status == 404:  # no default rich menu yet
            return None
        raise


def _explain(exc: ApiException) -> str:
    try:
        message = str(json.loads(exc.body or "{}").get("message", ""))
    except (ValueError, AttributeError):
        message = ""
    return f"LINE answered {exc.status} {exc.reason or ''}: {message or 'no details'}".strip()
