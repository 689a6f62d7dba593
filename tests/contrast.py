"""WCAG 2 contrast ratio of two colours (#rrggbb or rgb()/rgba() as browsers report them)."""

from __future__ import annotations

import re


def rgb(color: str) -> tuple[float, float, float]:
    """A colour as 0..255 floats."""
    color = color.strip()
    if color.startswith("#"):
        hexes = color[1:]
        if len(hexes) == 3:
            hexes = "".join(c * 2 for c in hexes)
        return (int(hexes[0:2], 16), int(hexes[2:4], 16), int(hexes[4:6], 16))
    found = re.findall(r"[\d.]+", color)
    return (float(found[0]), float(found[1]), float(found[2]))


def luminance(color: str) -> float:
    """Relative luminance (WCAG 2.x)."""
    channels = []
    for value in rgb(color):
        c = value / 255
        channels.append(c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4)
    r, g, b = channels
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def ratio(a: str, b: str) -> float:
    """The contrast ratio between two colours, 1..21."""
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)
