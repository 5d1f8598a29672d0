"""The designer section of `manage.py benchmark`: the form <-> text sync steps, measured on the server."""

from __future__ import annotations

import statistics
import time
from html.parser import HTMLParser
from types import SimpleNamespace

from django.test import RequestFactory
from django_htmx.middleware import HtmxDetails

from segments.query import parse, unparse

from ..editor.behavioral import node_from_state, state_from_node, state_from_post
from ..editor.decorate import decorate
from ..views.editor import segment_new

BENCHMARK_QUERY = ("INTERACTION(EmailClicked, EmailClicked_ContactLink)"
                   ".FILTER(CustomerJourneyId == '5acc43d5-356e-e811-a960-000d3a1cae35' && "
                   "(City == 'Paris' || City == 'Rome' || NOT(State == 'X' && ISNULL(OriginalUrl))))"
                   ".HAVING(COUNT() >= 3, UTCDAYS(45))")


class _FormFields(HTMLParser):
    """The fields a browser would submit from the page's form: inputs, checked boxes, selected options,
    textareas (enough of HTML for the designer's own page). With `form_id`, only that form's fields."""

    def __init__(self, form_id: str | None):
        super().__init__()
        self.fields: list[tuple[str, str]] = []
        self._form_id, self._inside = form_id, form_id is None
        self._select = self._textarea = None
        self._option = self._text = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and self._form_id is not None:
            self._inside = a.get("id") == self._form_id
        if not self._inside:
            return
        if tag == "input" and a.get("name") and "disabled" not in a:
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            if kind not in ("submit", "button", "image", "file", "reset"):
                self.fields.append((a["name"], a.get("value", "on" if kind in ("checkbox", "radio") else "")))
        elif tag == "select" and a.get("name") and "disabled" not in a:
            self._select = [a["name"], None, None]  # name, first option, selected option
        elif tag == "option" and self._select is not None:
            self._option, self._text = a, ""
        elif tag == "textarea" and a.get("name") and "disabled" not in a:
            self._textarea, self._text = a["name"], ""

    def handle_data(self, data):
        if self._text is not None:
            self._text += data

    def handle_endtag(self, tag):
        if tag == "form" and self._form_id is not None:
            self._inside = False
        elif tag == "option" and self._option is not None:
            value = self._option.get("value", self._text.strip())
            if self._select[1] is None:
                self._select[1] = value
            if "selected" in self._option:
                self._select[2] = value
            self._option = self._text = None
        elif tag == "select" and self._select is not None:
            name, first, chosen = self._select
            if chosen is not None or first is not None:
                self.fields.append((name, chosen if chosen is not None else first))
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            self.fields.append((self._textarea, self._text.removeprefix("\n")))
            self._textarea = self._text = None


def form_fields(html: str, form_id: str | None = None) -> list[tuple[str, str]]:
    """(name, value) pairs of every field a browser would submit from `html` (or its form `form_id`), in page
    order. The benchmark posts what the page shows, as a browser would; the tests prove the round trip with it."""
    parser = _FormFields(form_id)
    parser.feed(html)
    return parser.fields


def _as_post(fields: list[tuple[str, str]]) -> dict[str, str | list[str]]:
    data: dict[str, list[str]] = {}
    for name, value in fields:
        data.setdefault(name, []).append(value)
    return {name: values[0] if len(values) == 1 else values for name, values in data.items()}


def benchmark_round_trip(repeat: int) -> list[tuple[str, float]]:
    """Median seconds, measured on the server against the current database, of the designer's sync steps for a
    query with restrictions and a nested group: (a) form post -> AST -> text, (b) text -> AST -> form, and
    (c) one whole htmx form action (add a clause) through the designer view, rendering included."""
    user = SimpleNamespace(is_authenticated=True, is_active=True, is_superuser=True, is_staff=True, pk=None,
                           username="benchmark", _segment_roles=set())
    factory = RequestFactory()

    def designer(data, htmx=True):
        request = factory.post("/segments/new/", data, **({"HTTP_HX_REQUEST": "true"} if htmx else {}))
        request.user = user
        request.htmx = HtmxDetails(request)
        response = segment_new(request)
        assert response.status_code == 200, response.status_code
        return response

    # The form the page shows for the query, as the browser would post it back.
    page = designer({"action": "text", "query_text": BENCHMARK_QUERY, "text_base": ""}, htmx=False)
    flat = {**_as_post(form_fields(page.content.decode(), "designer-form")), "query_text": "", "text_base": ""}

    def form_to_text():
        unparse(node_from_state(state_from_post(flat)))

    def text_to_form():
        decorate(state_from_node(parse(BENCHMARK_QUERY)))

    def page_action():
        designer({**flat, "action": "add_clause:r-1"})

    results = []
    for label, step in (("form post -> AST -> text", form_to_text), ("text -> AST -> form", text_to_form),
                        ("designer action (htmx POST, rendered)", page_action)):
        step()  # warm up (templates, catalog caches)
        times = []
        for _ in range(max(1, repeat)):
            started = time.perf_counter()
            step()
            times.append(time.perf_counter() - started)
        results.append((label, statistics.median(times)))
    return results
