"""Every designer input answers hostile values with a page or fragment that says what is wrong, never a 500."""

from urllib.parse import quote

import pytest
from django.urls import reverse

from segments.models import Segment

CLICKED = "INTERACTION(EmailClicked, EmailClicked_ContactLink).HAVING(COUNT() >= 1)"
FORM = {"type": "EmailClicked", "prev_type": "EmailClicked", "agg": "COUNT", "count_op": "atleast", "count_n": "1",
        "window": "all", "window_n": "30", "window_unit": "DAYS", "r-op": "AND", "query_text": "", "text_base": "",
        "name": "", "description": "", "version": ""}

# Already percent-encoded, so that bytes no Python string holds (a UTF-8 encoded lone surrogate) reach Django.
HOSTILE = {
    "NUL": "a%00b",
    "10k characters": "x" * 10_000,
    "lone surrogate": "%ED%A0%80",
    "deep parentheses": "(" * 400 + CLICKED + ")" * 400,
}


def _encoded(fields: dict, hostile_field: str, hostile: str) -> str:
    return "&".join(f"{quote(k)}={hostile if k == hostile_field else quote(v)}"
                    for k, v in {**fields, hostile_field: ""}.items())


# (what, method, url name, the other fields, the hostile field)
INPUTS = [
    ("list search", "get", "segment-list", {}, "q"),
    ("record lookup", "get", "record-lookup", {"path": "r-0"}, "r-0-q"),
    ("estimate", "post", "segment-estimate", {}, "current_query"),
    ("explain: the contact", "post", "segment-explain", {"current_query": CLICKED}, "explain_contact"),
    ("explain: the query", "post", "segment-explain", {"explain_contact": "Ada"}, "current_query"),
    ("query text", "post", "segment-new", {**FORM, "action": "text"}, "query_text"),
    ("save: name", "post", "segment-new", {**FORM, "action": "save", "query_text": CLICKED}, "name"),
    ("save: description", "post", "segment-new", {**FORM, "action": "save", "name": "n", "query_text": CLICKED},
     "description"),
    ("import: name", "post", "segment-import", {"query_text": CLICKED}, "name"),
    ("import: description", "post", "segment-import", {"name": "n", "query_text": CLICKED}, "description"),
    ("import: text", "post", "segment-import", {"name": "n"}, "query_text"),
]


def _request(client, method, name, fields, hostile_field, hostile):
    url = reverse(name, args=["CustomerJourney"]) if name == "record-lookup" else reverse(name)
    body = _encoded(fields, hostile_field, hostile)
    if method == "get":
        return client.get(f"{url}?{body}")
    return client.post(url, body, content_type="application/x-www-form-urlencoded", HTTP_HX_REQUEST="true")


@pytest.mark.parametrize("hostile", list(HOSTILE.values()), ids=list(HOSTILE))
@pytest.mark.parametrize(("what", "method", "name", "fields", "hostile_field"), INPUTS, ids=[i[0] for i in INPUTS])
def test_hostile_values_answer_a_message(signed_in, demo, what, method, name, fields, hostile_field, hostile):
    response = _request(signed_in, method, name, fields, hostile_field, hostile)
    assert response.status_code in (200, 302, 400), response.content[:300]  # 302: a harmless value was saved


@pytest.mark.parametrize(("field", "bad"), [("name", "a%00b"), ("name", "x" * 201), ("description", "a%00b")])
@pytest.mark.parametrize("url_name", ["segment-new", "segment-import"])
def test_a_bad_name_or_description_is_refused_with_its_reason(signed_in, demo, url_name, field, bad):
    fields = {**FORM, "action": "save"} if url_name == "segment-new" else {}
    response = _request(signed_in, "post", url_name, {**fields, "name": "n", "query_text": CLICKED}, field, bad)
    assert response.status_code == 400
    reason = "NUL character" if "%00" in bad else "201 characters; at most 200"
    assert reason in response.content.decode()
    assert not Segment.objects.exists()


def _nested_groups(depth: int) -> dict:
    """A form whose restrictions are `depth` groups inside each other around one clause."""
    fields, path = dict(FORM), "r"
    for _ in range(depth):
        path += "-0"
        fields[f"{path}-kind"], fields[f"{path}-op"] = "group", "AND"
    path += "-0"
    fields.update({f"{path}-kind": "clause", f"{path}-field": "City", f"{path}-op": "eq", f"{path}-value": "Oslo"})
    return fields


@pytest.mark.parametrize("depth", [99, 150, 400])
@pytest.mark.parametrize("action", ["update", "estimate", "save"])
def test_deeply_nested_groups_answer_a_message(signed_in, demo, depth, action):
    fields = {**_nested_groups(depth), "action": action, "name": "deep"}
    response = signed_in.post(reverse("segment-new"), fields, HTTP_HX_REQUEST="true")
    assert response.status_code in (200, 400)
    assert "the groups nest too deeply (more than 30 levels)" in response.content.decode()
    assert not Segment.objects.exists()


def test_a_deeply_nested_query_text_answers_a_page(signed_in, demo):
    deep = "(" * 31 + "City == 'Oslo'" + ")" * 31
    text = f"INTERACTION(EmailClicked, EmailClicked_ContactLink).FILTER({deep}).HAVING(COUNT() >= 1)"
    response = signed_in.post(reverse("segment-new"), {**FORM, "action": "text", "query_text": text},
                              HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "the groups nest too deeply (more than 30 levels)" in response.content.decode()
