"""Draw the rich menu image from content/richmenu.yaml with Pillow and a CJK font.

`python -m bot.richmenu.draw menu.png` writes it to look at; `run.py line richmenu` draws and
uploads it. The font is Noto Sans CJK (SIL Open Font License) from Debian's fonts-noto-cjk.
"""

from __future__ import annotations

import io
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from bot.richmenu.spec import Bounds, RichMenuSpec, Tile

FONT_DIRS = ("/usr/share/fonts/opentype/noto", "/usr/share/fonts/truetype/noto",
             "/usr/share/fonts/opentype/noto-cjk", "/usr/local/share/fonts")
BOLD, REGULAR = ("NotoSansCJK-Bold.ttc", "NotoSansCJKtc-Bold.otf"), \
    ("NotoSansCJK-Regular.ttc", "NotoSansCJKtc-Regular.otf")
MAX_BYTES = 1024 * 1024  # LINE refuses a rich menu image over 1 MB
SCALE = 2  # drawn at twice the size, then scaled down: smooth edges on shapes
OUTLINE = "#c9d3ce"
Draw = ImageDraw.ImageDraw
Font = ImageFont.FreeTypeFont


class FontMissing(Exception):
    """No CJK font to draw the labels with."""


@dataclass(frozen=True)
class Picture:
    """An encoded image and its content type."""

    data: bytes
    content_type: str


def find_font(names: Sequence[str], dirs: Sequence[str] | None = None) -> tuple[str, int]:
    """The first font file found (in dirs, else FONT_DIRS) and, in a collection, the face
    for Traditional Chinese."""
    for folder in FONT_DIRS if dirs is None else dirs:
        for name in names:
            path = Path(folder) / name
            if path.is_file():
                return str(path), _tc_index(path)
    raise FontMissing("no CJK font for the rich menu labels: install Debian's fonts-noto-cjk "
                      "(apt-get install fonts-noto-cjk) and run again")


def _tc_index(path: Path) -> int:
    for index in range(10):  # a .ttc holds JP, KR, SC, TC, HK faces in some order
        try:
            family = ImageFont.truetype(str(path), 10, index=index).getname()[0] or ""
        except OSError:
            break
        if family.endswith(" TC"):
            return index
    return 0


def draw(spec: RichMenuSpec, dirs: Sequence[str] | None = None) -> Picture:
    """The menu as a PNG (JPEG if a PNG would be over 1 MB), exactly spec's size."""
    bold, regular = find_font(BOLD, dirs), find_font(REGULAR, dirs)
    canvas = Image.new("RGB", (spec.width * SCALE, spec.height * SCALE), spec.background)
    pen = ImageDraw.Draw(canvas)
    for tile, box in zip(spec.tiles, spec.grid(), strict=True):
        _tile(pen, tile, _scaled(box), bold, regular)
    image = canvas.resize((spec.width, spec.height), Image.Resampling.LANCZOS)
    return encode(image)


def encode(image: Image.Image) -> Picture:
    """PNG when it fits LINE's 1 MB, else JPEG at falling quality."""
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    if out.tell() <= MAX_BYTES:
        return Picture(out.getvalue(), "image/png")
    for quality in (90, 80, 70, 60):
        out = io.BytesIO()
        image.save(out, format="JPEG", quality=quality)
        if out.tell() <= MAX_BYTES:
            break
    return Picture(out.getvalue(), "image/jpeg")


def _scaled(box: Bounds) -> Bounds:
    return Bounds(box.x * SCALE, box.y * SCALE, box.width * SCALE, box.height * SCALE)


def _tile(pen: Draw, tile: Tile, box: Bounds, bold: tuple[str, int],
          regular: tuple[str, int]) -> None:
    gap = 14 * SCALE
    x0, y0, x1, y1 = box.x + gap, box.y + gap, box.x + box.width - gap, box.y + box.height - gap
    outline = OUTLINE if tile.fill.lower() == "#ffffff" else tile.fill
    pen.rounded_rectangle((x0, y0, x1, y1), radius=36 * SCALE, fill=tile.fill, outline=outline,
                          width=4 * SCALE)
    cx, width, height = (x0 + x1) // 2, x1 - x0, y1 - y0
    ICONS[tile.icon](pen, cx, y0 + int(height * 0.30), int(height * 0.26), tile.ink, tile.fill,
                     _font(bold, int(height * 0.2)))
    room = width - 60 * SCALE
    _centred(pen, tile.label, cx, y0 + int(height * 0.64), _fit(bold, 120 * SCALE, tile.label,
                                                                room), tile.ink)
    _centred(pen, tile.hint, cx, y0 + int(height * 0.84), _fit(regular, 54 * SCALE, tile.hint,
                                                               room), tile.ink)


def _font(face: tuple[str, int], size: int) -> Font:
    return ImageFont.truetype(face[0], size, index=face[1])


def _fit(face: tuple[str, int], size: int, text: str, room: int) -> Font:
    font = _font(face, size)
    while size > 20 and font.getlength(text) > room:  # a long label shrinks to fit its tile
        size = int(size * 0.9)
        font = _font(face, size)
    return font


def _centred(pen: Draw, text: str, cx: int, cy: int, font: Font, ink: str) -> None:
    if text:
        pen.text((cx, cy), text, font=font, fill=ink, anchor="mm")


# Icons: simple shapes in the tile's ink, centred on (cx, cy), about s pixels wide.
def _plus(pen: Draw, cx: int, cy: int, s: int, ink: str, fill: str, font: Font) -> None:
    r, w = s // 2, max(2, s // 12)
    pen.ellipse((cx - r, cy - r, cx + r, cy + r), outline=ink, width=w)
    arm = int(r * 0.55)
    pen.line((cx - arm, cy, cx + arm, cy), fill=ink, width=w)
    pen.line((cx, cy - arm, cx, cy + arm), fill=ink, width=w)


def _doc(pen: Draw, cx: int, cy: int, s: int, ink: str, fill: str, font: Font) -> None:
    w, hw, hh = max(2, s // 12), int(s * 0.38), s // 2
    pen.rounded_rectangle((cx - hw, cy - hh, cx + hw, cy + hh), radius=s // 10, outline=ink,
                          width=w)
    for i in range(3):
        y = cy - hh // 2 + i * hh // 2
        pen.line((cx - hw // 2, y, cx + hw // 2, y), fill=ink, width=w)


def _question(pen: Draw, cx: int, cy: int, s: int, ink: str, fill: str, font: Font) -> None:
    r, w = s // 2, max(2, s // 12)
    pen.ellipse((cx - r, cy - r, cx + r, cy + r), outline=ink, width=w)
    pen.text((cx, cy), "?", font=font, fill=ink, anchor="mm")


def _calendar(pen: Draw, cx: int, cy: int, s: int, ink: str, fill: str, font: Font) -> None:
    w, hw, hh = max(2, s // 12), s // 2, int(s * 0.42)
    pen.rounded_rectangle((cx - hw, cy - hh, cx + hw, cy + hh), radius=s // 10, outline=ink,
                          width=w)
    pen.rectangle((cx - hw, cy - hh, cx + hw, cy - hh // 3), fill=ink)
    for dx in (-hw // 2, hw // 2):
        pen.line((cx + dx, cy - hh - s // 8, cx + dx, cy - hh + s // 10), fill=ink, width=w)
    q = max(2, s // 20)  # half a day square
    for row in range(2):
        for col in range(3):
            x, y = cx + (col - 1) * s // 4, cy + row * s * 9 // 50
            pen.rectangle((x - q, y - q, x + q, y + q), fill=ink)


def _ballot(pen: Draw, cx: int, cy: int, s: int, ink: str, fill: str, font: Font) -> None:
    w, hw = max(2, s // 12), s // 2
    pen.rounded_rectangle((cx - hw * 6 // 10, cy - hw, cx + hw * 6 // 10, cy + hw // 5),
                          radius=s // 20, fill=fill, outline=ink, width=w)
    pen.line((cx - hw // 4, cy - hw // 2, cx - hw // 12, cy - hw // 4, cx + hw // 3,
              cy - hw * 3 // 4), fill=ink, width=w, joint="curve")
    pen.rounded_rectangle((cx - hw, cy, cx + hw, cy + hw), radius=s // 20, fill=ink)
    pen.line((cx - hw // 2, cy + w * 2, cx + hw // 2, cy + w * 2), fill=fill, width=w)


def _person(pen: Draw, cx: int, cy: int, s: int, ink: str, fill: str, font: Font) -> None:
    head = s // 5
    pen.ellipse((cx - head, cy - s // 2, cx + head, cy - s // 2 + 2 * head), fill=ink)
    pen.pieslice((cx - s // 2, cy, cx + s // 2, cy + s), 180, 360, fill=ink)


IconFn = Callable[[Draw, int, int, int, str, str, Font], None]
ICONS: dict[str, IconFn] = {"plus": _plus, "doc": _doc, "question": _question,
                            "calendar": _calendar, "ballot": _ballot, "person": _person}


def main(argv: list[str]) -> int:
    """`python -m bot.richmenu.draw OUT.png`: draw the menu from content/ into a file."""
    from bot.common.settings import ROOT

    if len(argv) != 1:
        print("usage: python -m bot.richmenu.draw OUT.png", file=sys.stderr)
        return 2
    try:
        picture = draw(RichMenuSpec.load(ROOT / "content"))
    except FontMissing as exc:
        print(f"rich menu: {exc}", file=sys.stderr)
        return 1
    Path(argv[0]).write_bytes(picture.data)
    print(f"{argv[0]}: {picture.content_type}, {len(picture.data):,} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
