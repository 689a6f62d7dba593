"""WCAG 2 contrast between two #rrggbb colours."""

from __future__ import annotations


def rgb(color: str) -> tuple[int, int, int]:
    """#rrggbb as three 0-255 integers."""
    return (int(color[1:3], 16), int(color[3:5], 16), int(color[5:7], 16))


def _luminance(color: str) -> float:
    linear = []
    for value in rgb(color):
        c = value / 255
        linear.append(c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4)
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    """The contrast ratio of a and b, 1 to 21 (WCAG AA asks 4.5 for text)."""
    light, dark = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)
