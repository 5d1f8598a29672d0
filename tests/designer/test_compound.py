"""The compound designer's pages: its Query view and its lifecycle (the mapping: tests/designer/editor)."""

import pytest
from django.urls import reverse

from segments.models import Segment
from segments.services import segment_create, segment_go_live

from .conftest import SPRING

CLICKED = "INTERACTION(EmailClicked, EmailClicked_ContactLink)"
OPENED = "INTERACTION(EmailOpened, EmailOpened_ContactLink)"
HX = {"HTTP_HX_REQUEST": "true"}
BLOCK = f"{CLICKED}.FILTER(City == 'Paris' && (City == 'Rome' || NOT(State == 'X'))).HAVING(COUNT() >= 2, UTCDAYS(45))"

def compound_post(**fields):
    data = {"compound": "1", "query_text": "", "text_base": "", "name": "", "description": "", "version": ""}
    data.update(fields)
    return data


# --- the views -----------------------------------------------------------------------------------------------


@pytest.fixture
def two(demo, user):
    a = segment_create(name="Spring clickers", query_text=f"{CLICKED}.FILTER(CustomerJourneyId == '{SPRING}')"
                       ".HAVING(COUNT() >= 1)", owner=user)  # Ada, Grace
    b = segment_create(name="Parisians", query_text=f"{CLICKED}.FILTER(City == 'Paris').HAVING(COUNT() >= 1)")  # Ada
    return a, b


@pytest.mark.django_db
def test_the_list_offers_a_new_compound_segment(signed_in, two):
    html = signed_in.get("/").content.decode()
    assert f'href="{reverse("segment-new")}?kind=compound"' in html and "New compound segment" in html


@pytest.mark.django_db
def test_the_new_compound_page_has_two_segment_operands(signed_in, two):
    html = signed_in.get(reverse("segment-new"), {"kind": "compound"}).content.decode()
    assert "New compound segment" in html and 'name="compound" value="1"' in html
    assert 'id="c-0-name"' in html and 'id="c-1-join"' in html and "but not" in html and "and also" in html
    assert '<option value="Parisians"' in html and 'id="type"' not in html


@pytest.mark.django_db
def test_a_compound_form_change_answers_with_the_block_and_the_text(signed_in, two):
    data = compound_post(**{"c-0-kind": "segment", "c-0-name": "Spring clickers", "c-1-kind": "segment",
                            "c-1-join": "EXCEPT", "c-1-name": "Parisians"})
    response = signed_in.post(reverse("segment-new"), data, **HX)
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="block"') and response["HX-Trigger"] == "queryChanged"
    assert "SEGMENT(&#x27;Spring clickers&#x27;)\nEXCEPT\nSEGMENT(Parisians)</textarea>" in html


@pytest.mark.django_db
@pytest.mark.parametrize("htmx", [True, False])
def test_adding_an_inline_block_and_a_clause_in_it(signed_in, two, htmx):
    extra = HX if htmx else {}
    data = compound_post(**{"c-0-kind": "segment", "c-0-name": "Parisians", "action": "op_add:c:block"})
    html = signed_in.post(reverse("segment-new"), data, **extra).content.decode()
    assert 'id="c-1-type"' in html and 'name="c-1-r-op"' in html and 'id="c-1-r-add-clause"' in html
    data.update({"c-1-kind": "block", "c-1-join": "INTERSECT", "c-1-type": "EmailOpened",
                 "c-1-prev_type": "EmailOpened", "c-1-agg": "COUNT", "c-1-count_op": "atleast", "c-1-count_n": "2",
                 "c-1-window": "all",
                 "c-1-r-op": "AND", "action": "add_clause:c-1-r"})
    html = signed_in.post(reverse("segment-new"), data, **extra).content.decode()
    assert 'name="c-1-r-0-kind" value="clause"' in html
    data.update({"c-1-r-0-kind": "clause", "c-1-r-0-field": "CustomerJourneyId", "c-1-r-0-op": "==",
                 "c-1-r-0-value": SPRING, "action": "update"})
    html = signed_in.post(reverse("segment-new"), data, **extra).content.decode()
    html = html.replace("&#x27;", "'").replace("&gt;", ">")
    assert (f"SEGMENT(Parisians)\nINTERSECT\n{OPENED}\n    .FILTER(CustomerJourneyId == '{SPRING}')\n"
            "    .HAVING(COUNT() >= 2)") in html
    assert "Spring launch journey" in html  # the inline block's ID field shows the record name


@pytest.mark.django_db
def test_compound_text_re_renders_the_compound_form(signed_in, two):
    text = "SEGMENT('Spring clickers') EXCEPT (SEGMENT(Parisians) UNION SEGMENT(Parisians))"
    html = signed_in.post(reverse("segment-new"), compound_post(action="text", query_text=text), **HX).content.decode()
    assert html.lstrip().startswith('<div id="query-error"') and 'hx-swap-oob="true"' in html
    assert 'name="c-1-kind" value="group"' in html and 'name="c-1-1-name"' in html


@pytest.mark.django_db
def test_compound_text_in_the_behavioral_designer_switches_to_the_compound_form(signed_in, two):
    data = {"type": "EmailClicked", "r-op": "AND", "action": "text", "query_text": "SEGMENT(Parisians) UNION "
            "SEGMENT('Spring clickers')"}
    html = signed_in.post(reverse("segment-new"), data, **HX).content.decode()
    assert 'name="compound" value="1"' in html and 'name="c-1-name"' in html


@pytest.mark.django_db
def test_bad_compound_text_shows_the_error_and_keeps_the_form(signed_in, two):
    data = compound_post(action="text", query_text="SEGMENT(Nope) UNION SEGMENT(Parisians)",
                         **{"c-0-kind": "segment", "c-0-name": "Parisians"})
    html = signed_in.post(reverse("segment-new"), data, **HX).content.decode()
    assert "Nope" in html and 'class="error"' in html and 'id="block"' not in html


@pytest.mark.django_db
def test_save_a_compound_segment_and_reopen_it(signed_in, two, django_capture_on_commit_callbacks):
    data = compound_post(action="golive", name="Spring, not Paris",
                         **{"c-0-kind": "segment", "c-0-name": "Spring clickers", "c-1-kind": "segment",
                            "c-1-join": "EXCEPT", "c-1-name": "Parisians"})
    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in.post(reverse("segment-new"), data)
    segment = Segment.objects.get(name="Spring, not Paris")
    assert response.status_code == 302 and segment.kind == "compound"
    assert segment.query == "SEGMENT('Spring clickers') EXCEPT SEGMENT(Parisians)"
    assert segment.state == "live" and segment.member_count == 1  # Grace
    html = signed_in.get(reverse("segment-detail", args=[segment.pk])).content.decode()
    assert '<option value="Parisians" selected>' in html and '<option value="EXCEPT" selected>' in html
    assert '<option value="Spring, not Paris"' not in html  # a segment cannot use itself


@pytest.mark.django_db
def test_a_compound_segment_with_one_block_keeps_the_compound_designer(signed_in, two):
    compound = segment_create(name="C", query_text="SEGMENT(Parisians) UNION SEGMENT(Parisians)")
    data = compound_post(action="text", query_text=f"{OPENED}.HAVING(COUNT() >= 1)")
    html = signed_in.post(reverse("segment-detail", args=[compound.pk]), data, **HX).content.decode()
    assert 'name="c-0-kind" value="block"' in html


@pytest.mark.django_db
@pytest.mark.parametrize("verb", ["stop", "delete_segment"])
def test_stopping_or_deleting_a_segment_a_live_compound_uses_is_refused_with_its_name(
        signed_in, two, verb, django_capture_on_commit_callbacks):
    a, _ = two
    with django_capture_on_commit_callbacks(execute=True):
        segment_go_live(segment=a)
        user = segment_create(name="Users of spring", query_text="SEGMENT('Spring clickers') UNION SEGMENT(Parisians)")
        segment_go_live(segment=user)
    data = {"action": verb, "name": a.name, "version": str(a.version), "type": "EmailClicked", "r-op": "AND"}
    response = signed_in.post(reverse("segment-detail", args=[a.pk]), data)
    html = response.content.decode()
    assert response.status_code == 400 and 'data-testid="failure"' in html
    word = "stopped" if verb == "stop" else "deleted"
    assert f"&#x27;Spring clickers&#x27; cannot be {word}" in html and "Users of spring" in html
    a.refresh_from_db()
    assert a.state == "live"
