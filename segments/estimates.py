"""What the designer shows while a query is edited, all asked of the compiler: how many contacts the query
selects (and, for a live segment, how that differs from its members) and how many pass each restriction
(why one contact is in or out is segments.explain). Nothing here reads the query's meaning itself.
"""

from __future__ import annotations

import threading
import time
from datetime import datetime

from django.conf import settings
from django.core.cache import cache
from django.db import connections
from django.utils import timezone

from interactions.catalog import (
    IN,
    FieldKind,
    InteractionType,
    interaction_type,
    operator_label,
    parse_guid,
)
from interactions.models import RECORD_MODELS, Contact

from .interactive import Superseded, TooSlow
from .interactive import fetch_one as _fetch_one
from .interactive import reads_connection as _connection
from .query import Behavioral, Clause, Group, Having, unparse
from .query.compiler import (
    compile_count,
    compile_difference,
)
from .query.nodes import clauses, is_one_of
from .query.printer import value_text
from .query.validator import restrictions
from .sampling import Figure, Level, choose_level, scaled
from .services import segment_sources

__all__ = ["Superseded", "TooSlow", "clause_counts", "estimate_size", "sample_level"]


def _population() -> int:
    """How many contacts there are. Counting ten million contacts takes longer (0.4 s) than a sampled estimate,
    and the figure moves slowly: it is counted once, then recounted in the background when older than
    ESTIMATE_POPULATION_SECONDS while the edits go on with the last count (stale while revalidating)."""
    alias = _connection().alias
    key = f"segment-designer:population:{alias}"
    entry = cache.get(key)
    if entry is None:
        return _count_population(alias, key)
    population, counted_at = entry
    if time.time() - counted_at > settings.ESTIMATE_POPULATION_SECONDS:
        _recount_in_background(alias, key)
    return population


def _count_population(alias: str, key: str) -> int:
    population = Contact.objects.using(alias).count()
    cache.set(key, (population, time.time()), None)
    return population


_recounts: dict[str, threading.Thread] = {}
_recounts_lock = threading.Lock()


def _recount_in_background(alias: str, key: str) -> None:
    """One recount per database at a time, on the thread's own connection (closed when done)."""
    def recount():
        try:
            _count_population(alias, key)
        finally:
            connections[alias].close()

    with _recounts_lock:
        running = _recounts.get(alias)
        if running is not None and running.is_alive():
            return
        _recounts[alias] = thread = threading.Thread(target=recount, name=f"population-{alias}", daemon=True)
    thread.start()


def _sampling(exact: bool | None) -> tuple[int, Level] | None:
    """The population to scale sampled counts to and the sample to count (about ESTIMATE_SAMPLE_TARGET
    contacts of it), or None to count exactly: asked for (`exact=True`), or the population is below
    ESTIMATE_EXACT_BELOW, where counting everyone is cheap."""
    if exact:
        return None
    population = _population()
    if exact is None and population < settings.ESTIMATE_EXACT_BELOW:
        return None
    return population, choose_level(population, target=settings.ESTIMATE_SAMPLE_TARGET)


def sample_level() -> Level:
    """The sample a sampled estimate counts now (`exact=False`; by default, below ESTIMATE_EXACT_BELOW contacts,
    estimates count exactly instead)."""
    return _sampling(False)[1]


def estimate_size(*, node, segment=None, exact: bool | None = None) -> dict:
    """How many contacts the query selects now; for a live, evaluated segment also who would enter and exit.

    Each is a `Figure`: exact, or scaled from the sample with its interval (see `_sampling` for which).
    """
    now = timezone.now()
    sampling = _sampling(exact)
    result = {"count": None, "added": None, "removed": None, "exact": sampling is None}
    dialect = _connection().vendor
    if segment is not None and segment.is_live and segment.evaluated_version is not None:
        sql, params = compile_difference(node, segment_id=segment.pk, now=now, dialect=dialect,
                                         segments=segment_sources, sample=_function(sampling))
        row = _fetch_one(sql, params)
        result["count"], result["added"], result["removed"] = _figures(row, 3, sampling)
    else:
        sql, params = compile_count(node, now=now, dialect=dialect, segments=segment_sources,
                                    sample=_function(sampling))
        row = _fetch_one(sql, params)
        (result["count"],) = _figures(row, 1, sampling)
    return result


def _function(sampling: tuple[int, Level] | None) -> str | None:
    """The SQL function the compiler restricts to the sample with, if sampled."""
    return None if sampling is None else sampling[1].function


def _figures(row: tuple, n: int, sampling: tuple[int, Level] | None) -> list[Figure]:
    """The row's first `n` counts: as counted, or scaled to the population from the sampled contacts, which
    the next column counts (the compiler's sampled statements add it)."""
    if sampling is None:
        return [Figure(hits) for hits in row[:n]]
    return [scaled(hits=hits, sample=row[n], population=sampling[0]) for hits in row[:n]]


def restriction_text(item: Clause | Group) -> str:
    """A restriction as the Query view writes it, e.g. `City == 'Paris'` or `(City == 'a' || City == 'b')`."""
    text = unparse(Behavioral("X", Group("AND", (item,)), Having("COUNT", None, ">=", 1, None)))
    return text[text.index(".FILTER(") + 8:text.index(").HAVING")]


def record_names(items, itype: InteractionType) -> dict[str, str]:
    """The names of the records the ID values of `items` point to, by GUID text; one query per record type."""
    wanted: dict[str, set] = {}
    for item in items:
        for clause in ([item] if isinstance(item, Clause) else clauses(item)):
            fld = itype.field(clause.field)
            if fld is not None and fld.record is not None:
                wanted.setdefault(fld.record.name, set()).update(
                    g for g in (parse_guid(v) for v in clause.values if isinstance(v, str)) if g)
    names: dict[str, str] = {}
    for record_name, ids in wanted.items():
        for pk, name in RECORD_MODELS[record_name].objects.filter(pk__in=ids).values_list("pk", "name"):
            names[str(pk)] = name
    return names


def _value_words(fld, value, names: dict[str, str]) -> str:
    if fld.kind is FieldKind.GUID and isinstance(value, str):
        guid = parse_guid(value)
        return f"'{names[str(guid)]}'" if guid and str(guid) in names else value
    if isinstance(value, bool):
        return "True" if value else "False"
    return f"'{value}'" if isinstance(value, str) else value_text(value)


def restriction_sentence(item: Clause | Group, itype: InteractionType, names: dict[str, str]) -> str:
    """A restriction as a marketer reads it: "Customer journey equals 'Spring launch'", with display names and
    the record names of ID values (the Query view keeps field names and GUIDs)."""
    if isinstance(item, Group):
        if is_one_of(item):
            first = item.items[0]
            item = Clause(first.field, "==", tuple(v for c in item.items for v in c.values))
        else:
            joined = f" {item.op.lower()} ".join(
                restriction_sentence(i, itype, names) if isinstance(i, Clause) or i.negated or is_one_of(i)
                else f"({restriction_sentence(i, itype, names)})" for i in item.items)
            return f"not ({joined})" if item.negated else joined
    fld = itype.field(item.field)
    if fld is None:  # not validated: say it as the Query view does
        return restriction_text(item)
    op = IN if len(item.values) > 1 else item.op
    words = [fld.display_name, operator_label(fld.kind, op)]
    if item.values:
        words.append(", ".join(_value_words(fld, v, names) for v in item.values))
    return " ".join(words)


def clause_counts(*, node, limit: int = 12, at: datetime | None = None, exact: bool | None = None) -> list[dict]:
    """Per restriction: how many contacts have at least one interaction of the type (in the window) passing it,
    with the restriction as the Query view writes it ("text") and as a sentence ("sentence"). Counted over the
    sample, as `estimate_size` decides."""
    if not isinstance(node, Behavioral) or node.filter is None:
        return []
    now = at or timezone.now()
    itype = interaction_type(node.type)
    items = restrictions(node.filter)[:limit]
    names = record_names(items, itype)
    sampling = _sampling(exact)
    counts = []
    for item in items:
        probe = Behavioral(node.type, Group("AND", (item,)), Having("COUNT", None, ">=", 1, node.having.window))
        sql, params = compile_count(probe, now=now, dialect=_connection().vendor, sample=_function(sampling))
        row = _fetch_one(sql, params)
        (count,) = _figures(row, 1, sampling)
        counts.append({"text": restriction_text(item), "sentence": restriction_sentence(item, itype, names),
                       "count": count})
    return counts
