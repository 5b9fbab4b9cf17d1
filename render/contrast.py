"""WCAG 2.x relative luminance and contrast ratio, for colours and whole pixel regions."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

AA_NORMAL_TEXT = 4.5


def hex_to_rgb(color: str) -> tuple[int, int, int]:
    value = color.lstrip("#")
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)


def luminance(rgb: NDArray[np.floating] | tuple[int, int, int]) -> NDArray[np.floating]:
    """Relative luminance (0..1) of sRGB colours given as 0..255 values (last axis = RGB)."""
    c = np.asarray(rgb, dtype=np.float64) / 255.0
    linear = np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
    return linear @ np.array([0.2126, 0.7152, 0.0722])


def contrast_ratio(a: tuple[int, int, int], b: tuple[int, int, int]) -> float:
    la, lb = float(luminance(a)), float(luminance(b))
    hi, lo = max(la, lb), min(la, lb)
    return (hi + 0.05) / (lo + 0.05)


def min_contrast(text: tuple[int, int, int], pixels: NDArray[np.uint8]) -> float:
    """The worst contrast between ``text`` and any pixel of ``pixels`` (shape ..., 3)."""
    lt = float(luminance(text))
    lp = luminance(pixels.reshape(-1, 3))
    ratios = (np.maximum(lp, lt) + 0.05) / (np.minimum(lp, lt) + 0.05)
    return float(ratios.min())


def scrim_opacity(
    text: tuple[int, int, int],
    panel: tuple[int, int, int],
    pixels: NDArray[np.uint8],
    *,
    target: float = AA_NORMAL_TEXT,
    minimum: float = 0.0,
) -> float:
    """Smallest opacity of a ``panel``-coloured layer over ``pixels`` that gives every pixel
    at least ``target`` contrast with ``text`` (1.0 when even a solid panel is needed)."""
    sample = pixels.reshape(-1, 3).astype(np.float64)
    if sample.shape[0] > 20000:  # the darkest/lightest extremes decide; a sample is plenty
        step = sample.shape[0] // 20000 + 1
        sample = sample[::step]
    panel_rgb = np.asarray(panel, dtype=np.float64)
    lo, hi = minimum, 1.0
    if _worst(text, sample, panel_rgb, lo) >= target:
        return lo
    for _ in range(12):
        mid = (lo + hi) / 2
        if _worst(text, sample, panel_rgb, mid) >= target:
            hi = mid
        else:
            lo = mid
    return hi


def _worst(
    text: tuple[int, int, int], sample: NDArray[np.floating], panel: NDArray[np.floating], a: float
) -> float:
    blended = np.rint(sample * (1 - a) + panel * a)
    return min_contrast(text, blended.astype(np.uint8))


def mix(a: tuple[int, int, int], b: tuple[int, int, int], t: float) -> tuple[int, int, int]:
    """``a`` moved a fraction ``t`` of the way to ``b``."""
    return (
        round(a[0] + (b[0] - a[0]) * t),
        round(a[1] + (b[1] - a[1]) * t),
        round(a[2] + (b[2] - a[2]) * t),
    )


def ensure_contrast(
    color: tuple[int, int, int], background: tuple[int, int, int], target: float
) -> tuple[int, int, int]:
    """``color`` if it reaches ``target`` contrast on ``background``, else the closest colour
    on its way to black or white (whichever lies away from ``background``) that does."""
    if contrast_ratio(color, background) >= target:
        return color
    black, white = (0, 0, 0), (255, 255, 255)
    pole = (
        black if contrast_ratio(black, background) >= contrast_ratio(white, background) else white
    )
    if contrast_ratio(pole, background) < target:  # cannot be reached: as far as it goes
        return pole
    lo, hi = 0.0, 1.0
    for _ in range(14):
        mid = (lo + hi) / 2
        if contrast_ratio(mix(color, pole, mid), background) >= target:
            hi = mid
        else:
            lo = mid
    return mix(color, pole, hi)
