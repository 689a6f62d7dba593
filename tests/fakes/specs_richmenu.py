"""LINE's documented rules for rich menus and their images that the OpenAPI file leaves out."""

from __future__ import annotations

import io
from typing import Any

from PIL import Image, UnidentifiedImageError

RICHMENU_REQUIRED = ("size", "selected", "name", "chatBarText", "areas")


def richmenu_limits(body: dict[str, Any]) -> list[str]:
    """The rich menu object's documented rules the OpenAPI file leaves out: required fields,
    800-2500 wide, at least 250 high, width/height at least 1.45, 1-20 areas inside the
    menu, action labels up to 20 characters, message texts 1-300."""
    errors = [f"richmenu: missing {name}" for name in RICHMENU_REQUIRED if name not in body]
    size = body.get("size") or {}
    width, height = int(size.get("width", 0)), int(size.get("height", 0))
    errors += image_size_errors("richmenu.size", width, height)
    areas = body.get("areas") or []
    if not 1 <= len(areas) <= 20:
        errors.append("richmenu.areas: 1-20 areas")
    for i, area in enumerate(areas):
        b, action = area.get("bounds") or {}, area.get("action") or {}
        right, bottom = b.get("x", 0) + b.get("width", 0), b.get("y", 0) + b.get("height", 0)
        if right > width or bottom > height:
            errors.append(f"richmenu.areas[{i}]: bounds outside the menu")
        if len(str(action.get("label", ""))) > 20:
            errors.append(f"richmenu.areas[{i}].action.label: over 20 characters")
        if action.get("type") == "message" and not 1 <= len(str(action.get("text", ""))) <= 300:
            errors.append(f"richmenu.areas[{i}].action.text: 1-300 characters")
    return errors


def image_size_errors(where: str, width: int, height: int) -> list[str]:
    """LINE's size rules for a rich menu and its image."""
    if 800 <= width <= 2500 and height >= 250 and width / height >= 1.45:
        return []
    return [f"{where}: {width}x{height} (800-2500 wide, >= 250 high, width/height >= 1.45)"]



def image_errors(body: bytes, kind: str, menu: dict[str, Any] | None) -> list[str]:
    """The image's problems: not decodable, another format than sent, LINE's size rules,
    not the menu's exact size."""
    try:
        image = Image.open(io.BytesIO(body))
    except (UnidentifiedImageError, OSError):
        return ["image: not a PNG or JPEG image"]
    errors = [] if image.format == kind else [f"image: a {image.format}, sent as {kind}"]
    errors += image_size_errors("image", *image.size)
    size = (menu or {}).get("size")
    if size and (size["width"], size["height"]) != image.size:
        errors.append(f"image: {image.size[0]}x{image.size[1]} does not match the menu's "
                      f"{size['width']}x{size['height']}")
    return errors
