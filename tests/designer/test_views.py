"""The designer's pages and fragments: each htmx action and its plain-post fallback."""


import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains

from designer.management.designer_benchmark import benchmark_round_trip
from segments.models import EvaluationRun, Membership, Segment
from segments.services import segment_create, segment_go_live

from .conftest import AUTUMN, SPRING

pytestmark = pytest.mark.django_db
CLICKED = "INTERACTION(EmailClicked, EmailClicked_ContactLink)"
HX = {"HTTP_HX_REQUEST": "true"}


def form_data(**fields):
    data = {"type": "EmailClicked", "prev_type": "EmailClicked", "agg": "COUNT", "count_op": "atleast",
            "count_n": "1", "window": "all", "window_n": "30", "window_unit": "DAYS", "r-op": "AND",
            "query_text": "", "text_base": "", "name": "", "description": "", "version": ""}
    data.update(fields)
    return data


def page(segment=None):
    return reverse("segment-detail", args=[segment.pk]) if segment else reverse("segment-new")


@pytest.fixture
def clicked(demo, user):
    return segment_create(name="Spring clickers", query_text=f"{CLICKED}.FILTER(CustomerJourneyId == '{SPRING}')"
                          ".HAVING(COUNT() >= 1)", description="clicked the spring journey", owner=user)


@pytest.fixture
def eager(django_capture_on_commit_callbacks):
    """`with eager():` runs the on_commit callbacks (the evaluation tasks) at its end, as a real commit would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


# --- access, list, import --------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["segment-list", "segment-new", "overview"])
def test_every_page_needs_a_sign_in(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_fragments_need_a_sign_in(client, clicked):
    assert client.get(reverse("segment-status", args=[clicked.pk])).status_code == 302
    assert client.post(reverse("segment-estimate"), {}).status_code == 302
    assert client.get(reverse("record-lookup", args=["CustomerJourney"])).status_code == 302


def test_the_list_shows_segments_and_filters_them(signed_in, clicked):
    segment_create(name="Openers", query_text="INTERACTION(EmailOpened, EmailOpened_ContactLink).HAVING(COUNT() >= 1)")
    html = signed_in.get("/").content.decode()
    assert "Spring clickers" in html and "Openers" in html and "New behavioral segment" in html
    html = signed_in.get("/", {"q": "spring"}).content.decode()
    assert "Spring clickers" in html and "Openers" not in html
    html = signed_in.get("/", {"state": "live"}).content.decode()
    assert "Spring clickers" not in html


def test_the_list_search_answers_with_the_table_fragment_to_htmx(signed_in, clicked):
    response = signed_in.get("/", {"q": "spring"}, HTTP_HX_TARGET="segment-table", **HX)
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="segment-table">') and "<html" not in html


def test_the_data_overview_moved_to_data(signed_in, demo):
    assert "5 contacts" in signed_in.get("/data/").content.decode()


def test_import_makes_a_draft(signed_in, demo):
    response = signed_in.post(reverse("segment-import"), {
        "name": "Imported", "query_text": "INTERACTION(EmailClicked, EmailClickedContactLink).HAVING(COUNT() > 0)"})
    segment = Segment.objects.get(name="Imported")
    assert response.status_code == 302 and response["Location"] == page(segment)
    assert segment.query == f"{CLICKED}.HAVING(COUNT() >= 1)" and segment.state == "draft"


def test_import_shows_the_error_at_its_position(signed_in, demo):
    response = signed_in.post(reverse("segment-import"), {
        "name": "Broken", "query_text": "INTERACTION(EmailClicked, EmailClicked_ContactLink)\n  .HAVING(COUNT() >= x)"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "2:22: expected a number" in html and ".HAVING(COUNT() &gt;= x)" in html
    assert not Segment.objects.filter(name="Broken").exists()


# --- the designer: form edits --------------------------------------------------------------------------

def test_the_new_page_starts_with_at_least_one_email_click(signed_in, demo):
    html = signed_in.get(page()).content.decode()
    assert f"{CLICKED}\n    .HAVING(COUNT() &gt;= 1)" in html
    assert 'aria-expanded="false"' in html and 'id="filters" class="filters" hidden' in html


def test_a_saved_segment_opens_with_its_form(signed_in, clicked):
    html = signed_in.get(page(clicked)).content.decode()
    assert 'value="CustomerJourneyId" selected' in html and SPRING in html
    assert "Spring launch journey" in html  # the record's name beside its ID


def test_a_form_change_answers_with_the_block_and_the_new_text(signed_in, demo):
    response = signed_in.post(page(), form_data(count_n="3", window="in_last", window_n="45"), **HX)
    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html
    assert html.lstrip().startswith('<div id="block"')
    assert 'id="query-text"' in html and 'hx-swap-oob="true"' in html
    assert f"{CLICKED}\n    .HAVING(COUNT() &gt;= 3, UTCDAYS(45))" in html
    assert response["HX-Trigger"] == "queryChanged"


def test_without_htmx_the_same_post_renders_the_whole_page(signed_in, demo):
    response = signed_in.post(page(), form_data(count_n="3", window="in_last", window_n="45", action="update"))
    html = response.content.decode()
    assert "<html" in html and "UTCDAYS(45)" in html


@pytest.mark.parametrize("htmx", [True, False])
def test_add_clause_and_group_actions(signed_in, demo, htmx):
    extra = HX if htmx else {}
    data = form_data(action="add_clause:r")
    html = signed_in.post(page(), data, **extra).content.decode()
    assert 'name="r-0-kind" value="clause"' in html
    data.update({"r-0-kind": "clause", "r-0-field": "City", "r-0-op": "==", "r-0-value": "Paris",
                 "action": "add_group:r"})
    html = signed_in.post(page(), data, **extra).content.decode()
    assert 'name="r-1-kind" value="group"' in html and 'name="r-1-0-kind" value="clause"' in html
    data.update({"r-1-kind": "group", "r-1-op": "OR", "r-1-0-kind": "clause", "r-1-0-field": "City",
                 "r-1-0-op": "==", "r-1-0-value": "Rome", "r-1-1-kind": "clause", "r-1-1-field": "City",
                 "r-1-1-op": "STARTSWITH", "r-1-1-value": "Ber", "action": "update"})
    html = signed_in.post(page(), data, **extra).content.decode()
    html = html.replace("&#x27;", "'").replace("&amp;", "&")
    assert "FILTER(City == 'Paris' && (City == 'Rome' || City STARTSWITH 'Ber'))" in html


@pytest.mark.parametrize("action", ["delete:r-1", "ungroup:r-1", "group"])
def test_delete_ungroup_and_group_selected(signed_in, demo, action):
    data = form_data(**{"r-0-kind": "clause", "r-0-field": "City", "r-0-value": "A", "r-0-sel": "1",
                        "r-1-kind": "group", "r-1-op": "OR", "r-1-sel": "1",
                        "r-1-0-kind": "clause", "r-1-0-field": "City", "r-1-0-value": "B",
                        "r-1-1-kind": "clause", "r-1-1-field": "City", "r-1-1-value": "C", "action": action})
    html = signed_in.post(page(), data, **HX).content.decode().replace("&#x27;", "'").replace("&amp;", "&")
    expected = {"delete:r-1": ".FILTER(City == 'A')",
                "ungroup:r-1": ".FILTER(City == 'A' && City == 'B' && City == 'C')",
                "group": ".FILTER((City == 'A' || (City == 'B' || City == 'C')))"}[action]
    assert expected in html


def test_toggle_filters_flips_aria_expanded(signed_in, demo):
    html = signed_in.post(page(), form_data(action="toggle_filters"), **HX).content.decode()
    assert 'aria-expanded="true"' in html and "Hide interaction filters" in html
    html = signed_in.post(page(), form_data(action="toggle_filters", filters_open="1"), **HX).content.decode()
    assert 'aria-expanded="false"' in html


def test_changing_the_type_says_what_was_dropped(signed_in, demo):
    data = form_data(type="EmailOpened", **{"r-0-kind": "clause", "r-0-field": "OriginalUrl", "r-0-op": "CONTAINS",
                                            "r-0-value": "pricing", "r-1-kind": "clause", "r-1-field": "City",
                                            "r-1-value": "Paris"})
    html = signed_in.post(page(), data, **HX).content.decode()
    assert "Email opened has no Original URL: that restriction was dropped." in html
    assert "INTERACTION(EmailOpened, EmailOpened_ContactLink)\n    .FILTER(City == &#x27;Paris&#x27;)" in html


def test_a_bad_value_is_shown_at_its_field_and_the_text_is_kept(signed_in, demo):
    data = form_data(query_text="previous text", text_base="previous text",
                     **{"r-0-kind": "clause", "r-0-field": "CustomerJourneyId", "r-0-value": "spring"})
    html = signed_in.post(page(), data, **HX).content.decode()
    assert "&#x27;spring&#x27; is not a GUID" in html and 'aria-invalid="true"' in html
    assert ">previous text</textarea>" in html


def test_a_pasted_address_in_an_id_field_becomes_the_guid_and_shows_the_name(signed_in, demo):
    data = form_data(**{"r-0-kind": "clause", "r-0-field": "CustomerJourneyId",
                        "r-0-value": f"https://org.crm.dynamics.com/main.aspx?etn=x&pagetype=entityrecord&id={SPRING}"})
    html = signed_in.post(page(), data, **HX).content.decode()
    assert f'value="{SPRING}"' in html and "Spring launch journey" in html


# --- record lookups ----------------------------------------------------------------------------------

LOOKUPS = [  # (what is typed or pasted into the lookup, the record found)
    ("spring", SPRING),
    ("SPRING", SPRING),
    (AUTUMN, AUTUMN),
    ("{" + AUTUMN.upper() + "}", AUTUMN),
    ("https://contoso.crm.dynamics.com/main.aspx?appid=00001111-aaaa-2222-bbbb-3333cccc4444&pagetype=entityrecord"
     f"&etn=msdyncrm_customerjourney&id={AUTUMN.upper()}", AUTUMN),
    (f"https://contoso.crm.dynamics.com/main.aspx?etn=msdyncrm_customerjourney&id=%7B{AUTUMN.upper()}%7D"
     "&pagetype=entityrecord", AUTUMN),
    (f"http://testserver/admin/interactions/customerjourney/{AUTUMN}/change/", AUTUMN),
]


@pytest.mark.parametrize(("typed", "found"), LOOKUPS)
def test_the_lookup_finds_records_by_name_address_or_guid(signed_in, demo, typed, found):
    response = signed_in.get(reverse("record-lookup", args=["CustomerJourney"]), {"path": "r-0", "r-0-q": typed})
    html = response.content.decode()
    assert html.count('role="option"') == 1
    assert f'value="pick:r-0:{found}"' in html


def test_the_lookup_marks_where_the_name_matches(signed_in, demo):
    response = signed_in.get(reverse("record-lookup", args=["CustomerJourney"]), {"path": "r-0", "r-0-q": "LAUNCH"})
    assertContains(response, "<span>Spring <mark>launch</mark> journey</span>", html=True)
    assert "Autumn" not in response.content.decode()


def test_the_lookup_refuses_unknown_types_and_paths(signed_in, demo):
    assert signed_in.get(reverse("record-lookup", args=["Nope"]), {"path": "r-0"}).status_code == 404
    assert signed_in.get(reverse("record-lookup", args=["Event"]), {"path": "x\"><script>"}).status_code == 404


@pytest.mark.parametrize("htmx", [True, False])
def test_find_and_pick_work_as_form_posts(signed_in, demo, htmx):
    extra = HX if htmx else {}
    data = form_data(**{"r-0-kind": "clause", "r-0-field": "CustomerJourneyId", "r-0-value": "",
                        "r-0-q": "autumn", "action": "lookup:r-0"})
    html = signed_in.post(page(), data, **extra).content.decode()
    assert f'value="pick:r-0:{AUTUMN}"' in html
    data["action"] = f"pick:r-0:{AUTUMN}"
    html = signed_in.post(page(), data, **extra).content.decode()
    assert f"CustomerJourneyId == &#x27;{AUTUMN}&#x27;" in html and "Autumn newsletter journey" in html


# --- the query view --------------------------------------------------------------------------------

def test_valid_text_re_renders_the_form(signed_in, demo):
    text = f"{CLICKED}.FILTER(City == 'Paris' || City == 'Rome').HAVING(COUNT() >= 2, UTCMONTHS(3))"
    response = signed_in.post(page(), form_data(action="text", query_text=text), **HX)
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="query-error"')
    assert '<div id="block"' in html and 'hx-swap-oob="true"' in html
    assert 'name="r-op"' in html and '<option value="OR" selected>' in html
    assert 'value="MONTHS" selected' in html and 'aria-expanded="true"' in html
    assert 'id="query-text"' not in html  # the user's text is left alone while they type


def test_a_dynamics_query_pastes(signed_in, demo):
    text = (f"INTERACTION(EmailClicked, EmailClicked_ContactLink).FILTER(CustomerJourneyId == '{SPRING.upper()}')"
            ".HAVING(COUNT() > 0, UTCDAYS(45))")
    html = signed_in.post(page(), form_data(action="text", query_text=text), **HX).content.decode()
    assert f'value="{SPRING}"' in html and 'value="45"' in html


def test_invalid_text_shows_its_positioned_error_and_keeps_the_form(signed_in, demo):
    text = f"{CLICKED}\n    .FILTER(Citty == 'Paris')\n    .HAVING(COUNT() >= 1)"
    response = signed_in.post(page(), form_data(action="text", query_text=text, count_n="4"), **HX)
    html = response.content.decode()
    assert "2:13: unknown field &#x27;Citty&#x27; on EmailClicked; did you mean &#x27;City&#x27;?" in html
    assert 'id="block"' not in html


def test_a_syntax_error_is_positioned_too(signed_in, demo):
    html = signed_in.post(page(), form_data(action="text", query_text=f"{CLICKED}.HAVING(COUNT() >= 1"),
                          **HX).content.decode()
    assert 'data-line="1" data-column="72"' in html


def test_without_javascript_edited_text_wins_on_save(signed_in, clicked):
    text = f"{CLICKED}.HAVING(COUNT() >= 2)"
    data = form_data(action="save", query_text=text, text_base=clicked.query, name=clicked.name,
                     description=clicked.description, version=str(clicked.version))
    response = signed_in.post(page(clicked), data)
    assert response.status_code == 302
    clicked.refresh_from_db()
    assert clicked.query == text and clicked.version == 2


# --- lifecycle ---------------------------------------------------------------------------------------

def test_save_creates_a_segment(signed_in, demo, user):
    data = form_data(action="save", name="Recent clickers", description="d", count_n="3", window="in_last",
                     window_n="45")
    response = signed_in.post(page(), data)
    segment = Segment.objects.get(name="Recent clickers")
    assert response.status_code == 302 and response["Location"] == page(segment)
    assert segment.query == f"{CLICKED}.HAVING(COUNT() >= 3, UTCDAYS(45))" and segment.owner == user


def test_save_without_a_name_keeps_the_edits(signed_in, demo):
    response = signed_in.post(page(), form_data(action="save", count_n="7"))
    assert response.status_code == 400
    html = response.content.decode()
    assert "a segment needs a name" in html and 'value="7"' in html


def test_save_with_field_errors_is_refused(signed_in, demo):
    data = form_data(action="save", name="X", **{"r-0-kind": "clause", "r-0-field": "CustomerJourneyId",
                                                 "r-0-value": "nope"})
    response = signed_in.post(page(), data)
    assert response.status_code == 400 and "fix them before saving" in response.content.decode()


def test_a_concurrent_edit_shows_its_message_and_keeps_the_edits(signed_in, clicked):
    data = form_data(action="save", name=clicked.name, description="my edit", version=str(clicked.version),
                     count_n="5")
    Segment.objects.filter(pk=clicked.pk).update(version=clicked.version + 1)  # someone else saved meanwhile
    response = signed_in.post(page(clicked), data)
    html = response.content.decode()
    assert response.status_code == 409
    assert "was changed by someone else" in html and 'value="my edit"' in html and 'value="5"' in html


def test_save_go_live_evaluates_and_shows_members(signed_in, clicked, eager):
    data = form_data(action="golive", name=clicked.name, description=clicked.description,
                     version=str(clicked.version), **{"r-0-kind": "clause", "r-0-field": "CustomerJourneyId",
                                                      "r-0-value": SPRING})
    with eager():
        response = signed_in.post(page(clicked), data)
    assert response.status_code == 302
    clicked.refresh_from_db()
    assert clicked.state == "live" and clicked.status == "succeeded" and clicked.member_count == 2
    html = signed_in.get(page(clicked)).content.decode()
    assert 'data-testid="member-count">2<' in html and "Up to date" in html
    assert 'hx-trigger="every 2s"' not in html


def test_stop_evaluate_duplicate_delete(signed_in, clicked, eager):
    with eager():
        segment_go_live(segment=clicked)
    base = form_data(name=clicked.name, version=str(clicked.version), text_base="", query_text="")
    assert signed_in.post(page(clicked), {**base, "action": "stop"}).status_code == 302
    clicked.refresh_from_db()
    assert clicked.state == "stopped"
    runs = EvaluationRun.objects.filter(segment=clicked).count()
    with eager():
        assert signed_in.post(page(clicked), {**base, "action": "evaluate"}).status_code == 302
    assert EvaluationRun.objects.filter(segment=clicked).count() == runs + 1
    response = signed_in.post(page(clicked), {**base, "action": "duplicate"})
    copy = Segment.objects.get(name="Spring clickers (copy)")
    assert response["Location"] == page(copy) and copy.query == clicked.query
    response = signed_in.post(page(copy), {**base, "action": "delete_segment"})
    assert response["Location"] == "/" and not Segment.objects.filter(pk=copy.pk).exists()


def test_deleting_a_segment_in_use_says_why(signed_in, clicked):
    segment_create(name="User", query_text="SEGMENT('Spring clickers')")
    response = signed_in.post(page(clicked), form_data(action="delete_segment", name=clicked.name))
    assert response.status_code == 400 and "cannot be deleted" in response.content.decode()


# --- status, estimate --------------------------------------------------------------------------------

def test_the_status_fragment_polls_while_queued_and_stops_when_done(signed_in, clicked):
    Segment.objects.filter(pk=clicked.pk).update(status=Segment.Status.QUEUED)
    html = signed_in.get(reverse("segment-status", args=[clicked.pk]), **HX).content.decode()
    assert 'hx-trigger="every 2s"' in html and "Queued" in html
    Segment.objects.filter(pk=clicked.pk).update(status=Segment.Status.SUCCEEDED, member_count=2)
    html = signed_in.get(reverse("segment-status", args=[clicked.pk]), **HX).content.decode()
    assert 'hx-trigger="every 2s"' not in html and "Up to date" in html and ">2<" in html


def test_the_estimate_counts_the_current_query(signed_in, demo):
    text = f"{CLICKED}.FILTER(CustomerJourneyId == '{SPRING}').HAVING(COUNT() >= 1, UTCDAYS(30))"
    html = signed_in.post(reverse("segment-estimate"), {"current_query": text}, **HX).content.decode()
    assert 'data-testid="estimate">2<' in html
    assert f"CustomerJourneyId == &#x27;{SPRING}&#x27;" in html  # the per-restriction count
    html = signed_in.post(reverse("segment-estimate"), {"current_query": ""}, **HX).content.decode()
    assert "No estimate" in html


def test_the_estimate_of_a_live_segment_shows_the_difference(signed_in, clicked, eager):
    with eager():
        segment_go_live(segment=clicked)  # members: Ada and Grace
    text = f"{CLICKED}.FILTER(City == 'Paris' || City == 'Berlin').HAVING(COUNT() >= 1)"  # Ada and Alan
    html = signed_in.post(reverse("segment-estimate"), {"current_query": text, "segment": clicked.pk},
                          **HX).content.decode()
    assert 'data-testid="estimate">2<' in html and "+1</span> / <span class=\"minus\">−1<" in html


# --- members and history -----------------------------------------------------------------------------

def test_members_are_listed_searched_and_exported(signed_in, clicked, eager):
    with eager():
        segment_go_live(segment=clicked)
    url = reverse("segment-members", args=[clicked.pk])
    html = signed_in.get(url).content.decode()
    assert "Ada Lovelace" in html and "Grace Hopper" in html and "Alan Turing" not in html
    html = signed_in.get(url, {"q": "grace@"}, HTTP_HX_TARGET="members-table", **HX).content.decode()
    assert "Grace Hopper" in html and "Ada" not in html and "<html" not in html
    response = signed_in.get(reverse("segment-members-csv", args=[clicked.pk]))
    body = b"".join(response.streaming_content).decode()
    assert body.splitlines()[0] == "ContactId,FullName,Email,MemberSince"
    assert len(body.splitlines()) == 3 and "ada@example.com" in body
    assert Membership.objects.filter(segment=clicked).count() == 2


def test_history_shows_a_chart_and_the_runs(signed_in, clicked, eager):
    with eager():
        segment_go_live(segment=clicked)
    html = signed_in.get(reverse("segment-history", args=[clicked.pk])).content.decode()
    assert "<svg" in html and "<polyline" in html and "Succeeded" in html and "+2" in html


def test_history_says_why_each_run_happened(signed_in, clicked, eager):
    with eager():
        segment_go_live(segment=clicked)
    response = signed_in.get(reverse("segment-history", args=[clicked.pk]))
    assertContains(response, '<td class="small">went live</td>', html=True)


# --- cost (the time is measured by `manage.py benchmark --sections designer`) ---------------------------

def test_the_sync_round_trip_stays_within_its_queries(signed_in, demo, django_assert_max_num_queries):
    text = (f"{CLICKED}.FILTER(CustomerJourneyId == '{SPRING}' && (City == 'Paris' || NOT(State == 'X')))"
            ".HAVING(COUNT() >= 3, UTCDAYS(45))")
    signed_in.post(page(), form_data(action="text", query_text=text), **HX)  # warm up
    with django_assert_max_num_queries(8):  # per request: session, user, role groups, record names
        signed_in.post(page(), form_data(action="text", query_text=text), **HX)
        signed_in.post(page(), form_data(count_n="2", **{"r-0-kind": "clause", "r-0-field": "CustomerJourneyId",
                                                          "r-0-value": SPRING}), **HX)


# --- explain a contact ---------------------------------------------------------------------------------

def test_explain_a_contact_that_is_in(signed_in, demo):
    text = f"{CLICKED}.FILTER(City == 'Paris').HAVING(COUNT() >= 2, UTCDAYS(30))"
    html = signed_in.post(reverse("segment-explain"), {"current_query": text, "explain_contact": "ada@"},
                          **HX).content.decode()
    assert "Ada Lovelace" in html and 'data-testid="explain-verdict">in<' in html
    assert "3 email clicked interactions" in html and "3 pass the restrictions" in html and "needs &gt;= 2" in html


def test_explain_a_contact_that_is_out_and_why(signed_in, demo):
    text = f"{CLICKED}.FILTER(City == 'Paris' || City == 'Rome').HAVING(COUNT() >= 2)"
    html = signed_in.post(reverse("segment-explain"), {"current_query": text, "explain_contact": "Grace"},
                          **HX).content.decode()
    assert 'data-testid="explain-verdict">out<' in html and "Count 1, needs &gt;= 2" in html


def test_explain_says_when_no_contact_matches(signed_in, demo):
    html = signed_in.post(reverse("segment-explain"), {"current_query": f"{CLICKED}.HAVING(COUNT() >= 1)",
                                                       "explain_contact": "nobody"}, **HX).content.decode()
    assert "No contact matches" in html


def test_explain_and_estimate_work_without_javascript(signed_in, demo):
    html = signed_in.post(page(), form_data(action="explain", explain_contact="Alan")).content.decode()
    assert "<html" in html and 'data-testid="explain-verdict">in<' in html
    html = signed_in.post(page(), form_data(action="estimate", count_n="5")).content.decode()
    assert 'data-testid="estimate">1<' in html  # Alan clicked 5 times


# --- the data overview on big tables -----------------------------------------------------------------------

def test_the_overview_counts_small_tables_exactly(signed_in, demo):
    html = signed_in.get("/data/").content.decode()
    assert "5 contacts and 11 interactions" in html and "about" not in html


@pytest.mark.postgresql
def test_on_postgresql_big_tables_show_the_planner_estimate(signed_in, demo, monkeypatch):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from interactions import counts
    from interactions.models import INTERACTION_MODELS, Contact
    big = [Contact, *INTERACTION_MODELS.values()]
    with connection.cursor() as cursor:
        for model in big:
            cursor.execute(f'ANALYZE "{model._meta.db_table}"')
    monkeypatch.setattr(counts, "EXACT_BELOW", 1)  # every analyzed, non-empty table counts as big
    with CaptureQueriesContext(connection) as queries:
        html = signed_in.get("/data/").content.decode()
    assert "About 5 contacts and about 11 interactions" in html and "about 9<" in html  # 3 + 1 + 5 clicks
    # No COUNT(*) of a table with rows; empty ones (and never-analyzed record tables) may be counted exactly.
    tables = {f'"{m._meta.db_table}"' for m in (Contact, INTERACTION_MODELS["EmailClicked"],
                                                INTERACTION_MODELS["EmailOpened"])}
    counted = [q["sql"] for q in queries.captured_queries if "COUNT(*)" in q["sql"]]
    assert not [sql for sql in counted if any(table in sql for table in tables)], counted


def test_the_benchmark_measures_three_labelled_steps(demo):
    results = benchmark_round_trip(repeat=2)
    assert [label for label, _ in results] == ["form post -> AST -> text", "text -> AST -> form",
                                               "designer action (htmx POST, rendered)"]
    assert all(isinstance(seconds, float) for _, seconds in results)
