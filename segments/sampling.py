"""The fixed, uniform samples of contacts behind live estimates, and what a count over one says about all contacts.

A contact is in a sample when the MD5 of its id (as `str(uuid)`) starts with one of the level's hex prefixes:
fixed (the same contacts in every estimate, so figures do not jitter between edits) and uniform (a hash,
whatever made the ids). There are nested levels, 1/64, 1/256 and 1/1024 of the contacts (`LEVELS`), each a
subset of the coarser one; an estimate counts the coarsest level whose expected size (population × fraction)
is at most the target (`choose_level`), so that its cost stays about the same as the contacts grow (a 1/64
sample of 10 million contacts would be 156,000 of them). The compiler restricts a statement to a level with
its SQL function (`sample=level.function`), which partial indexes on every table serve (migrations
segments/0006 and 0007).

A count over the sample is scaled to the population with a 95% Wilson score interval for the proportion of
sampled contacts selected (a sample of n of N contacts: given n, a simple random sample), with the finite
population correction. Wilson rather than the textbook p ± z·se: it stays inside [0, 1] and keeps its
coverage for small counts (an estimate of 0 still has an upper bound).
"""

from __future__ import annotations

import hashlib
import math
import uuid
from dataclasses import dataclass

CONFIDENCE = 0.95
Z = 1.959963984540054  # the standard normal quantile of 0.975


@dataclass(frozen=True)
class Level:
    """One sample: the contacts whose id's MD5 hex digest starts with one of `prefixes` (all of one length),
    told in SQL by `function` (created by the migrations, so the name must match theirs)."""

    function: str
    prefixes: frozenset[str]

    @property
    def digits(self) -> int:
        return len(next(iter(self.prefixes)))

    @property
    def fraction(self) -> float:
        return len(self.prefixes) / 16 ** self.digits

    @property
    def label(self) -> str:
        return f"1/{round(1 / self.fraction)}"


# Coarsest first; each level's prefixes extend some of the previous level's, so it is a subset of it.
LEVELS = (
    Level("sd_contact_sampled", frozenset({"00", "01", "02", "03"})),  # 1/64, migration 0006
    Level("sd_contact_sampled_256", frozenset({"00"})),  # migration 0007
    Level("sd_contact_sampled_1024", frozenset({"000", "001", "002", "003"})),  # migration 0007
)


def choose_level(population: int, *, target: int) -> Level:
    """The coarsest level whose expected sample of `population` contacts is at most `target` contacts (the
    finest past that): the most precise sample that is still about as quick to count as `target` contacts."""
    return next((level for level in LEVELS if population * level.fraction <= target), LEVELS[-1])


def in_sample(contact_id: uuid.UUID, level: Level) -> bool:
    """Whether the contact is in the level's sample: the database's `level.function`, in Python."""
    return hashlib.md5(str(contact_id).encode()).hexdigest()[:level.digits] in level.prefixes


def sqlite_in_sample(stored: str | None, level: Level) -> int:
    """A level's function on SQLite, where a UUID is stored as 32 hex digits (registered in segments/apps.py)."""
    return int(stored is not None and in_sample(uuid.UUID(stored), level))


class Figure(int):
    """A number of contacts: counted (exact), or estimated from the sample with its 95% interval [low, high].
    An int, so templates and callers that want only the number read it as one."""

    exact: bool
    low: int
    high: int

    def __new__(cls, value: int, *, exact: bool = True, low: int | None = None, high: int | None = None):
        figure = super().__new__(cls, value)
        figure.exact = exact
        figure.low = value if low is None else low
        figure.high = value if high is None else high
        return figure

    @property
    def margin_percent(self) -> float | None:
        """The interval's wider side as a share of the estimate ("± 1.8%"); None when exact or estimated 0."""
        if self.exact or not self:
            return None
        return 100 * max(self.high - self, self - self.low) / self


def scaled(*, hits: int, sample: int, population: int) -> Figure:
    """The number of the `population` contacts a query selects, from `hits` of the `sample` sampled ones."""
    if sample <= 0 or population <= 0:
        return Figure(0, exact=False, low=0, high=population)
    if sample >= population:
        return Figure(hits)
    p = hits / sample
    # The finite population correction shrinks the variance by (N - n) / (N - 1): an effective sample size.
    n = sample * (population - 1) / (population - sample)
    z2 = Z * Z
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = Z / (1 + z2 / n) * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n))
    low = max(0, math.floor(population * (centre - half)))
    high = min(population, math.ceil(population * (centre + half)))
    value = round(population * p)
    return Figure(value, exact=False, low=min(low, value), high=max(high, value))
