"""The interaction-filters row, a flat Django form: [aggregate [of field]] [how many] [N] [in the last N unit]."""

from __future__ import annotations

from django import forms

from .vocabulary import AGGREGATES, COUNT_OPS, UNITS


class FiltersForm(forms.Form):
    """Read leniently, like the rest of a designer post: a missing field or a value that is no choice reads as the
    row's default, so that a partial post (no JavaScript, a page from before a change) still makes a query; the
    values that can be wrong (numbers, the aggregated field) are checked where the query is made."""

    agg = forms.ChoiceField(choices=AGGREGATES, required=False)
    agg_field = forms.CharField(required=False, strip=False)
    count_op = forms.ChoiceField(choices=COUNT_OPS, required=False)
    count_n = forms.CharField(required=False)
    window = forms.CharField(required=False)  # "in_last" or "all"
    window_n = forms.CharField(required=False)
    window_unit = forms.ChoiceField(choices=UNITS, required=False)
    filters_open = forms.CharField(required=False)

    DEFAULTS = {"agg": "COUNT", "count_op": "atleast", "count_n": "1", "window_n": "30", "window_unit": "DAYS"}

    @classmethod
    def read(cls, get, prefix: str = "") -> FiltersForm:
        """The row of a post; `get(name)` gives a posted value ("" when missing), `prefix` an inline block's."""
        names = [prefix + name for name in cls.base_fields]
        data = {name: get(name, None) for name in names}
        return cls({name: value for name, value in data.items() if value is not None},
                   prefix=prefix.removesuffix("-") or None)

    def values(self) -> dict:
        """The row as the state holds it."""
        self.is_valid()  # a value that is no choice leaves cleaned_data without it: it reads as the default
        data = self.cleaned_data
        given = {name: self.add_prefix(name) in self.data for name in self.fields}
        return {
            "aggregate": data.get("agg") or self.DEFAULTS["agg"],
            "agg_field": data.get("agg_field", ""),
            "count_op": data.get("count_op") or self.DEFAULTS["count_op"],
            "count_n": data.get("count_n", "") if given["count_n"] else self.DEFAULTS["count_n"],
            "windowed": data.get("window") == "in_last",
            "window_n": data.get("window_n") or self.DEFAULTS["window_n"],
            "window_unit": data.get("window_unit") or self.DEFAULTS["window_unit"],
            "filters_open": data.get("filters_open") == "1",
        }
