"""Loudness and true peak as ITU-R BS.1770-4 / EBU R128 define them, in numpy.

* Integrated loudness (LUFS): K-weighting (a high shelf and a high pass, the standard's two
  biquads, designed for any sample rate), mean square over 400 ms blocks that overlap by 75 %,
  an absolute gate at -70 LUFS and a relative gate 10 LU below the loudness of the blocks that
  passed it.
* True peak (dBTP): the signal oversampled (4x at 44.1 kHz and above, 8x below) through a
  windowed-sinc polyphase interpolator, then the largest magnitude.

The filters run as an FFT product with the exact frequency response of the biquads over a
buffer padded well past their impulse response, which is the IIR output without a Python loop.
"""

from __future__ import annotations

import functools
import math

import numpy as np
from numpy.typing import NDArray

Samples = NDArray[np.float64]

ABSOLUTE_GATE = -70.0  # LUFS
RELATIVE_GATE = -10.0  # LU below the absolute-gated loudness
BLOCK_SECONDS = 0.4
STEP_SECONDS = 0.1  # 75 % overlap
SILENCE = -math.inf

# The K-weighting pre-filter's analogue prototypes (the 48 kHz coefficients of BS.1770 come
# from these; designing from them gives the same response at any sample rate).
_SHELF_GAIN_DB = 3.999843853973347
_SHELF_Q = 0.7071752369554196
_SHELF_HZ = 1681.974450955533
_HIGHPASS_Q = 0.5003270373238773
_HIGHPASS_HZ = 38.13547087602444
_PAD_SECONDS = 0.25  # the filters' impulse response has decayed below 1e-12 by then


def _biquads(rate: int) -> list[tuple[NDArray[np.float64], NDArray[np.float64]]]:
    """(b, a) of the shelf and the high pass at ``rate``, designed from the analogue prototype
    by the bilinear transform (as libebur128 does; at 48 kHz these are the standard's
    coefficients)."""
    k = math.tan(math.pi * _SHELF_HZ / rate)
    vh = 10 ** (_SHELF_GAIN_DB / 20)
    vb = vh**0.4996667741545416
    a0 = 1 + k / _SHELF_Q + k * k
    shelf_b = np.array(
        [vh + vb * k / _SHELF_Q + k * k, 2 * (k * k - vh), vh - vb * k / _SHELF_Q + k * k]
    )
    shelf_a = np.array([a0, 2 * (k * k - 1), 1 - k / _SHELF_Q + k * k])
    k = math.tan(math.pi * _HIGHPASS_HZ / rate)
    a0 = 1 + k / _HIGHPASS_Q + k * k
    high_b = np.array([1.0, -2.0, 1.0])
    high_a = np.array([a0, 2 * (k * k - 1), 1 - k / _HIGHPASS_Q + k * k]) / a0
    return [(shelf_b / a0, shelf_a / a0), (high_b, high_a)]


@functools.lru_cache(maxsize=16)
def _k_response(rate: int, size: int) -> NDArray[np.complex128]:
    """The K-weighting filter's response on the ``size``-point real FFT grid."""
    z = np.exp(-1j * 2 * math.pi * np.arange(size // 2 + 1) / size)  # z^-1
    response = np.ones_like(z)
    for b, a in _biquads(rate):
        response *= (b[0] + b[1] * z + b[2] * z * z) / (a[0] + a[1] * z + a[2] * z * z)
    return response


def k_weighted(samples: NDArray[np.floating], rate: int) -> Samples:
    """``samples`` through the K-weighting filter (causal, zero initial state)."""
    x = np.asarray(samples, dtype=np.float64)
    if x.size == 0:
        return x
    size = _fast_size(x.size + int(_PAD_SECONDS * rate))
    y = np.fft.irfft(np.fft.rfft(x, size) * _k_response(rate, size), size)
    return y[: x.size]


def _fast_size(n: int) -> int:
    """The smallest 2^a * 3^b * 5^c >= ``n``: FFT sizes that are quick, and less padding than
    the next power of two."""
    best = 1 << max(0, (n - 1).bit_length())
    five = 1
    while five < best:
        three = five
        while three < best:
            size = three << max(0, (-(-n // three) - 1).bit_length())
            best = min(best, size)
            three *= 3
        five *= 5
    return best


def block_powers(samples: NDArray[np.floating], rate: int) -> Samples:
    """Mean square of the K-weighted signal in each 400 ms gating block (one block for a clip
    shorter than that)."""
    weighted = k_weighted(samples, rate)
    block, step = round(BLOCK_SECONDS * rate), round(STEP_SECONDS * rate)
    if weighted.size == 0:
        return weighted
    if weighted.size < block:
        return np.array([float(np.mean(weighted**2))])
    sums = np.concatenate(([0.0], np.cumsum(weighted**2)))
    starts = np.arange(0, weighted.size - block + 1, step)
    return (sums[starts + block] - sums[starts]) / block


def _lufs(power: float | NDArray[np.float64]) -> NDArray[np.float64]:
    with np.errstate(divide="ignore"):
        return -0.691 + 10 * np.log10(power)


def integrated_loudness(samples: NDArray[np.floating], rate: int) -> float:
    """Integrated loudness of a mono signal (floats in -1..1) in LUFS; ``-inf`` for silence."""
    powers = block_powers(samples, rate)
    if powers.size == 0:
        return SILENCE
    powers = powers[_lufs(powers) > ABSOLUTE_GATE]
    if powers.size == 0:
        return SILENCE
    threshold = float(_lufs(float(np.mean(powers)))) + RELATIVE_GATE
    gated = powers[_lufs(powers) > threshold]
    return float(_lufs(float(np.mean(gated))))


@functools.lru_cache(maxsize=8)
def _interpolator(factor: int, taps_per_phase: int = 12) -> NDArray[np.float64]:
    """Polyphase windowed-sinc interpolator, shape (factor, taps_per_phase); each phase sums
    to 1 so a constant signal keeps its level."""
    n = np.arange(factor * taps_per_phase) - (factor * taps_per_phase - 1) / 2
    h = np.sinc(n / factor) * np.kaiser(n.size, 8.0)
    phases = h.reshape(taps_per_phase, factor).T
    return phases / phases.sum(axis=1, keepdims=True)


def oversampling(rate: int) -> int:
    return 4 if rate >= 44_100 else 8


def peak_envelope(samples: NDArray[np.floating], rate: int) -> Samples:
    """For each sample, the largest magnitude of the oversampled signal around it."""
    x = np.asarray(samples, dtype=np.float64)
    if x.size == 0:
        return x
    phases = _interpolator(oversampling(rate))
    delay = (phases.shape[1] - 1) // 2
    envelope = np.abs(x)
    for phase in phases:
        y = np.convolve(x, phase)[delay : delay + x.size]
        np.maximum(envelope, np.abs(y), out=envelope)
    # An inter-sample peak lies between two samples: charge it to both.
    envelope[1:] = np.maximum(envelope[1:], envelope[:-1])
    return envelope


def peak_bound(samples: NDArray[np.floating], rate: int) -> Samples:
    """For each sample, a bound that :func:`peak_envelope` never exceeds, for a fraction of its
    cost: an interpolated value is at most the sum of the interpolator's absolute taps times the
    largest sample under them. The largest sample is taken over blocks as wide as the taps
    reach, a block and its two neighbours (so the bound is a little loose, and one pass)."""
    x = np.abs(np.asarray(samples, dtype=np.float64))
    if x.size == 0:
        return x
    phases = _interpolator(oversampling(rate))
    gain = max(1.0, float(np.abs(phases).sum(axis=1).max()))
    reach = phases.shape[1] + 1  # the taps either side, and the neighbour a peak is charged to
    blocks = -(-x.size // reach)
    padded = np.zeros((blocks + 2) * reach)
    padded[reach : reach + x.size] = x
    most = padded.reshape(blocks + 2, reach).max(axis=1)
    near = np.maximum(np.maximum(most[:-2], most[1:-1]), most[2:])
    return gain * np.repeat(near, reach)[: x.size]


def true_peak(samples: NDArray[np.floating], rate: int) -> float:
    """The true peak in dBTP (``-inf`` for silence)."""
    envelope = peak_envelope(samples, rate)
    peak = float(envelope.max()) if envelope.size else 0.0
    return 20 * math.log10(peak) if peak > 0 else SILENCE
