"""The rich menu as content says it (content/richmenu.yaml): tiles, sizes, colours; the grid."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from bot.common.content import ContentError
from bot.richmenu.colors import contrast

ICONS = ("plus", "doc", "question", "calendar", "ballot", "person")
COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")
# LINE's rules for a rich menu (Messaging API reference, "Rich menu object" and image specs).
MIN_WIDTH, MAX_WIDTH, MIN_HEIGHT, MIN_RATIO = 800, 2500, 250, 1.45
MAX_AREAS, MAX_CHAT_BAR, MAX_NAME, MAX_LABEL, MAX_TEXT = 20, 14, 300, 20, 300


@dataclass(frozen=True)
class Tile:
    """One tappable tile: its words, what it sends, its look."""

    label: str
    hint: str
    text: str
    icon: str
    fill: str
    ink: str


@dataclass(frozen=True)
class Bounds:
    """A tile's rectangle on the image, in pixels."""

    x: int
    y: int
    width: int
    height: int


@dataclass(frozen=True)
class RichMenuSpec:
    """The whole menu."""

    name: str
    chat_bar: str
    width: int
    height: int
    columns: int
    background: str
    tiles: tuple[Tile, ...]

    @classmethod
    def load(cls, content_dir: Path) -> RichMenuSpec:
        """Read content_dir/richmenu.yaml (ContentError when it is missing or malformed)."""
        path = content_dir / "richmenu.yaml"
        try:
            raw: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
            return cls(name=str(raw["name"]), chat_bar=str(raw["chat_bar"]),
                       width=int(raw["size"]["width"]), height=int(raw["size"]["height"]),
                       columns=int(raw["columns"]), background=str(raw["background"]),
                       tiles=tuple(Tile(**{k: str(v) for k, v in t.items()})
                                   for t in raw["tiles"]))
        except (OSError, yaml.YAMLError, KeyError, TypeError, ValueError) as exc:
            raise ContentError(f"richmenu.yaml: {type(exc).__name__}: {exc}") from None

    @property
    def rows(self) -> int:
        """Rows of tiles."""
        return -(-len(self.tiles) // max(1, self.columns))

    def grid(self) -> list[Bounds]:
        """Each tile's rectangle, row by row; together they cover the image exactly."""
        found = []
        for i in range(len(self.tiles)):
            row, col = divmod(i, self.columns)
            x0, x1 = _cut(self.width, self.columns, col), _cut(self.width, self.columns, col + 1)
            y0, y1 = _cut(self.height, self.rows, row), _cut(self.height, self.rows, row + 1)
            found.append(Bounds(x0, y0, x1 - x0, y1 - y0))
        return found


def _cut(total: int, parts: int, i: int) -> int:
    return round(total * i / parts)


def check_richmenu(spec: RichMenuSpec) -> list[str]:
    """Every way the menu breaks LINE's rules or reads badly (for `run.py check-content`)."""
    where = "richmenu.yaml"
    errors = []
    if not (MIN_WIDTH <= spec.width <= MAX_WIDTH and spec.height >= MIN_HEIGHT
            and spec.width / spec.height >= MIN_RATIO):
        errors.append(f"{where} size: width 800-2500, height >= 250, width/height >= 1.45")
    if not 1 <= len(spec.tiles) <= MAX_AREAS or spec.columns < 1:
        errors.append(f"{where} tiles: 1 to {MAX_AREAS}, and at least one column")
    if not 1 <= len(spec.chat_bar) <= MAX_CHAT_BAR:
        errors.append(f"{where} chat_bar: 1 to {MAX_CHAT_BAR} characters")
    if not 1 <= len(spec.name) <= MAX_NAME - 13:  # 13: the version added to the name
        errors.append(f"{where} name: 1 to {MAX_NAME - 13} characters")
    for color in (spec.background, *(c for t in spec.tiles for c in (t.fill, t.ink))):
        if not COLOR.match(color):
            errors.append(f"{where}: colour {color!r} is not #rrggbb")
    for tile in spec.tiles:
        errors += _tile_errors(tile, f"{where} tile {tile.label!r}")
    return errors


def _tile_errors(tile: Tile, where: str) -> list[str]:
    errors = []
    if not 1 <= len(tile.label) <= MAX_LABEL:
        errors.append(f"{where}: label 1 to {MAX_LABEL} characters")
    if not 1 <= len(tile.text) <= MAX_TEXT:
        errors.append(f"{where}: text 1 to {MAX_TEXT} characters")
    if tile.icon not in ICONS:
        errors.append(f"{where}: icon must be one of {', '.join(ICONS)}")
    if COLOR.match(tile.fill) and COLOR.match(tile.ink) and contrast(tile.fill, tile.ink) < 4.5:
        errors.append(f"{where}: ink on fill is under 4.5:1")
    return errors
