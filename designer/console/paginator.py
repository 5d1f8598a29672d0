"""The admin console's paginator for tables of millions of rows."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.utils.functional import cached_property

from interactions.counts import table_counts

FILTERED_CAP = 10_000  # a filtered admin list counts at most this many rows


class LargeTablePaginator(Paginator):
    """The admin's paginator for big tables: an unfiltered list uses the table estimate, a filtered one counts
    at most FILTERED_CAP rows (SELECT COUNT(*) FROM (... LIMIT n)), so no list page ever counts a whole table."""

    @cached_property
    def count(self) -> int:
        queryset = self.object_list
        query = getattr(queryset, "query", None)
        if query is None:
            return len(queryset)
        if not query.where and not query.distinct:
            found, _ = table_counts([queryset.model])  # an estimate, or the exact count of a small table
            return found[queryset.model].value
        return queryset.order_by()[:FILTERED_CAP].count()
