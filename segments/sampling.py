"""The fixed, uniform sample of contacts behind live estimates, and what a count over it says about all contacts.

A contact is sampled when the MD5 of its id (as `str(uuid)`) starts with 00-03: 1/64 of the contacts, fixed
(the same contacts in every estimate, so figures do not jitter between edits) and uniform (a hash, whatever
made the ids). The compiler restricts a statement to it (`sample=True`) with the SQL function
sd_contact_sampled, which partial indexes on every table serve (migration segments/0006).

A count over the sample is scaled to the population with a 95% Wilson score interval for the proportion of
sampled contacts selected (a sample of n of N contacts: given n, a simple random sample), with the finite
population correction. Wilson rather than the textbook p ± z·se: it stays inside [0, 1] and keeps its
coverage for small counts (an estimate of 0 still has an upper bound).
"""

from __future__ import annotations

import hashlib
import math
import uuid

SAMPLED_PREFIXES = frozenset({"00", "01", "02", "03"})
SAMPLE_FRACTION = len(SAMPLED_PREFIXES) / 256
CONFIDENCE = 0.95
Z = 1.959963984540054  # the standard normal quantile of 0.975


def in_sample(contact_id: uuid.UUID) -> bool:
    """Whether the contact is in the sample: the database's sd_contact_sampled, in Python."""
    return hashlib.md5(str(contact_id).encode()).hexdigest()[:2] in SAMPLED_PREFIXES


def sqlite_in_sample(stored: str | None) -> int:
    """sd_contact_sampled on SQLite, where a UUID is stored as 32 hex digits (registered in segments/apps.py)."""
    return int(stored is not None and in_sample(uuid.UUID(stored)))


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
