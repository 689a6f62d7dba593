"""The fake LINE API's rich menus: create, list, get, delete, default, image upload.

Answers as LINE documents them: 404 for an unknown id, 400 when a menu without an image is
made the default or an image is uploaded twice.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

MENU = re.compile(r"^/v2/bot/richmenu/(richmenu-[0-9a-f]{32})$")
CONTENT = re.compile(r"^/v2/bot/richmenu/(richmenu-[0-9a-f]{32})/content$")
DEFAULT = re.compile(r"^/v2/bot/user/all/richmenu/(richmenu-[0-9a-f]{32})$")


def _json(data: Any, status: int = 200) -> web.Response:
    return web.json_response(data, status=status)


NOT_FOUND = {"message": "Not found"}


@dataclass
class RichMenus:
    """The channel's rich menus, their images and the default one."""

    menus: dict[str, dict[str, Any]] = field(default_factory=dict)
    images: dict[str, tuple[str, bytes]] = field(default_factory=dict)
    default: str | None = None

    def answer(self, method: str, path: str, body: Any, new_id: Callable[[], str]
               ) -> web.Response:
        """One rich menu call on the API host (already validated against the spec)."""
        if path == "/v2/bot/richmenu/validate":
            return _json({})
        if path == "/v2/bot/richmenu" and method == "POST":
            menu_id = new_id()
            self.menus[menu_id] = {**body, "richMenuId": menu_id}
            return _json({"richMenuId": menu_id})
        if path == "/v2/bot/richmenu/list":
            return _json({"richmenus": list(self.menus.values())})
        if path == "/v2/bot/user/all/richmenu":
            return self._default(method)
        found = MENU.match(path) or DEFAULT.match(path)
        menu_id = found.group(1) if found else ""
        if menu_id not in self.menus:
            return _json(NOT_FOUND, 404)
        if DEFAULT.match(path):
            if menu_id not in self.images:
                return _json({"message": "An image has not been uploaded to the rich menu"},
                             400)
            self.default = menu_id
            return _json({})
        if method == "DELETE":
            self.menus.pop(menu_id)
            self.images.pop(menu_id, None)
            self.default = None if self.default == menu_id else self.default
            return _json({})
        return _json(self.menus[menu_id])

    def _default(self, method: str) -> web.Response:
        if method == "DELETE":
            self.default = None
            return _json({})
        if self.default is None:
            return _json({"message": "no default richmenu"}, 404)
        return _json({"richMenuId": self.default})

    def menu_of_content_path(self, path: str) -> dict[str, Any] | None:
        """The menu an image upload path names, if it exists."""
        found = CONTENT.match(path)
        return self.menus.get(found.group(1)) if found else None

    def upload(self, path: str, content_type: str, data: bytes) -> web.Response:
        """Attach an image (validated already) to its menu, once."""
        found = CONTENT.match(path)
        menu_id = found.group(1) if found else ""
        if menu_id not in self.menus:
            return _json(NOT_FOUND, 404)
        if menu_id in self.images:
            return _json({"message": "An image has already been uploaded to the richmenu"},
                         400)
        self.images[menu_id] = (content_type, data)
        return _json({})
