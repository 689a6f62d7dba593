"""Bar charts drawn on the server as SVG (no script): a title and a description for screen
readers, the value written beside each bar, colours with AA contrast on white."""

from __future__ import annotations

import itertools

from markupsafe import Markup, escape

BAR, TEXT = "#0b57a4", "#1b1b1b"
ROW, LABEL_W, BAR_W, PAD = 28, 130, 200, 6
_ids = itertools.count(1)


def bars(title: str, items: list[tuple[str, float]], unit: str = "") -> Markup:
    """A horizontal bar per (label, value); an empty list draws a line saying so."""
    n = next(_ids)
    top = max((v for _, v in items), default=0) or 1
    height = ROW * max(len(items), 1) + PAD
    width = LABEL_W + BAR_W + 70
    desc = "、".join(f"{label} {_num(v)}{unit}" for label, v in items) or "沒有資料"
    parts = [f'<svg role="img" aria-labelledby="chart{n}t chart{n}d" viewBox="0 0 {width} '
             f'{height}" width="{width}" height="{height}" '
             f'xmlns="http://www.w3.org/2000/svg">',
             f'<title id="chart{n}t">{escape(title)}</title>',
             f'<desc id="chart{n}d">{escape(desc)}</desc>']
    if not items:
        parts.append(f'<text x="0" y="20" fill="{TEXT}" font-size="14">沒有資料</text>')
    for i, (label, value) in enumerate(items):
        y = i * ROW + PAD
        w = max(value / top * BAR_W, 1 if value else 0)
        parts += [f'<text x="{LABEL_W - 6}" y="{y + 15}" text-anchor="end" fill="{TEXT}" '
                  f'font-size="13">{escape(label[:12])}</text>',
                  f'<rect x="{LABEL_W}" y="{y}" width="{w:.1f}" height="{ROW - 10}" '
                  f'fill="{BAR}"/>',
                  f'<text x="{LABEL_W + w + 6:.1f}" y="{y + 15}" fill="{TEXT}" '
                  f'font-size="13">{escape(_num(value))}{escape(unit)}</text>']
    parts.append("</svg>")
    return Markup("".join(parts))  # every text part is escaped above


def _num(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"
