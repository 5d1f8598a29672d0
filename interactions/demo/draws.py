"""Helpers the demo generator and its interaction stream share: GUIDs drawn from a seeded random.Random, and
cumulative weights for weighted draws."""

from __future__ import annotations

import random

DAY = 86_400  # seconds; every timestamp is a whole number of seconds counted from the data set's origin
_UUID_V4_MASK = ~((0xF000 << 64) | (0xC000 << 48)) & ((1 << 128) - 1)
_UUID_V4_BITS = (0x4000 << 64) | (0x8000 << 48)


def guid_hex(rng: random.Random) -> str:
    """A version-4 GUID as 32 hex digits, drawn from rng (same as uuid.UUID(int=..., version=4).hex)."""
    return "%032x" % ((rng.getrandbits(128) & _UUID_V4_MASK) | _UUID_V4_BITS)


def guid_text(rng: random.Random) -> str:
    """A version-4 GUID in the usual 8-4-4-4-12 spelling, for opaque ID strings."""
    h = guid_hex(rng)
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def cumulative(weights) -> list[float]:
    """Running sums of weights: the cum_weights that random.choices and bisect draw with."""
    total = 0.0
    out = []
    for w in weights:
        total += w
        out.append(total)
    return out
