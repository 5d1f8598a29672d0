"""Who may do what in the designer: every page, fragment and action, for every role (segments/roles.py)."""

import pytest
from django.urls import reverse

from segments.models import Segment
from segments.roles import ADMINISTRATORS, MARKETERS, VIEWERS
from segments.services import segment_create

from .conftest import SPRING, make_user

pytestmark = pytest.mark.django_db
CLICKED = "INTERACTION(EmailClicked, EmailClicked_ContactLink)"
HX = {"HTTP_HX_REQUEST": "true"}
ROLES = {
    "viewer": ((VIEWERS,), {}),
    "marketer": ((MARKETERS,), {}),
    "administrator": ((ADMINISTRATORS,), {"is_staff": True}),
    "superuser": ((), {"is_superuser": True, "is_staff": True}),
    "nobody": ((), {}),
}
READ, EDIT = "read", "edit"


def form(**fields):
    return {"type": "EmailClicked", "prev_type": "EmailClicked", "agg": "COUNT", "count_op": "atleast",
            "count_n": "1", "window": "all", "r-op": "AND", "query_text": "", "text_base": "",
            "name": "Spring clickers", "description": "", "version": "1", **fields}


# name: (kind of action, method, url(segment), data, htmx, the status a permitted user gets)
ACTIONS = {
    "list": (READ, "get", lambda s: "/", None, False, 200),
    "data overview": (READ, "get", lambda s: reverse("overview"), None, False, 200),
    "designer page": (READ, "get", lambda s: reverse("segment-detail", args=[s.pk]), None, False, 200),
    "members": (READ, "get", lambda s: reverse("segment-members", args=[s.pk]), None, False, 200),
    "members csv": (READ, "get", lambda s: reverse("segment-members-csv", args=[s.pk]), None, False, 200),
    "history": (READ, "get", lambda s: reverse("segment-history", args=[s.pk]), None, False, 200),
    "status partial": (READ, "get", lambda s: reverse("segment-status", args=[s.pk]), None, True, 200),
    "lookup partial": (READ, "get", lambda s: reverse("record-lookup", args=["CustomerJourney"]),
                       {"path": "r-0", "r-0-q": "spring"}, True, 200),
    "estimate partial": (READ, "post", lambda s: reverse("segment-estimate"),
                         {"current_query": f"{CLICKED}.HAVING(COUNT() >= 1)"}, True, 200),
    "explain partial": (READ, "post", lambda s: reverse("segment-explain"),
                        {"current_query": f"{CLICKED}.HAVING(COUNT() >= 1)", "explain_contact": "ada"}, True, 200),
    "explain (no js)": (READ, "post", lambda s: reverse("segment-detail", args=[s.pk]),
                        form(action="explain", explain_contact="ada"), False, 200),
    "new page": (EDIT, "get", lambda s: reverse("segment-new"), None, False, 200),
    "new compound page": (EDIT, "get", lambda s: reverse("segment-new") + "?kind=compound", None, False, 200),
    "form edit partial": (EDIT, "post", lambda s: reverse("segment-detail", args=[s.pk]),
                          form(action="add_clause:r"), True, 200),
    "query text partial": (EDIT, "post", lambda s: reverse("segment-detail", args=[s.pk]),
                           form(action="text", query_text=f"{CLICKED}.HAVING(COUNT() >= 2)"), True, 200),
    "compound edit partial": (EDIT, "post", lambda s: reverse("segment-new"),
                              {"compound": "1", "c-0-kind": "segment", "c-0-name": "Spring clickers",
                               "action": "op_add:c:block"}, True, 200),
    "save": (EDIT, "post", lambda s: reverse("segment-detail", args=[s.pk]), form(action="save", count_n="2"),
             False, 302),
    "go live": (EDIT, "post", lambda s: reverse("segment-detail", args=[s.pk]), form(action="golive"), False, 302),
    "stop": (EDIT, "post", lambda s: reverse("segment-detail", args=[s.pk]), form(action="stop"), False, 302),
    "evaluate": (EDIT, "post", lambda s: reverse("segment-detail", args=[s.pk]), form(action="evaluate"), False, 302),
    "evaluate in full": (EDIT, "post", lambda s: reverse("segment-detail", args=[s.pk]), form(action="evaluate_full"),
                         False, 302),
    "duplicate": (EDIT, "post", lambda s: reverse("segment-detail", args=[s.pk]), form(action="duplicate"),
                  False, 302),
    "delete": (EDIT, "post", lambda s: reverse("segment-detail", args=[s.pk]), form(action="delete_segment"),
               False, 302),
    "import": (EDIT, "post", lambda s: reverse("segment-import"),
               {"name": "Imported", "query_text": f"{CLICKED}.HAVING(COUNT() >= 1)"}, False, 302),
}


def expected_status(role: str, action: str) -> int:
    kind, *_, allowed = ACTIONS[action]
    if role == "nobody" or (role == "viewer" and kind == EDIT):
        return 403
    return allowed


@pytest.fixture
def segment(demo):
    return segment_create(name="Spring clickers", query_text=f"{CLICKED}.FILTER(CustomerJourneyId == '{SPRING}')"
                          ".HAVING(COUNT() >= 1)")


def _request(client, action, segment):
    _, method, url, data, htmx, _ = ACTIONS[action]
    extra = HX if htmx else {}
    if method == "get":
        return client.get(url(segment), data or {}, **extra)
    return client.post(url(segment), data or {}, **extra)


@pytest.mark.parametrize("action", list(ACTIONS))
@pytest.mark.parametrize("role", list(ROLES))
def test_role_x_action(client, django_user_model, segment, role, action, django_capture_on_commit_callbacks):
    groups, flags = ROLES[role]
    client.force_login(make_user(django_user_model, f"user-{role}", *groups, **flags))
    before = Segment.objects.values_list("name", "version", "state").order_by("name")
    before = list(before)
    with django_capture_on_commit_callbacks(execute=True):
        response = _request(client, action, segment)
    assert response.status_code == expected_status(role, action), (role, action)
    if response.status_code == 403:
        html = response.content.decode()
        assert "data-forbidden" in html and "ask an administrator" in html  # the friendly 403 page says why
        assert list(Segment.objects.values_list("name", "version", "state").order_by("name")) == before


@pytest.mark.parametrize("action", list(ACTIONS))
def test_anonymous_users_are_sent_to_sign_in(client, segment, action):
    response = _request(client, action, segment)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_a_viewer_sees_no_edit_controls(client, django_user_model, segment):
    client.force_login(make_user(django_user_model, "vera", VIEWERS))
    html = client.get(reverse("segment-detail", args=[segment.pk])).content.decode()
    for control in ('value="save"', 'value="golive"', 'value="delete_segment"', 'value="duplicate"'):
        assert control not in html
    assert "<fieldset class=\"plain\" disabled>" in html and "readonly>" in html and "Viewer" in html
    assert 'value="explain"' in html  # reading tools stay
    html = client.get("/").content.decode()
    assert "New compound segment" not in html and "New behavioral segment" not in html and "Import query" not in html
    assert 'href="/admin/"' not in html


def test_a_viewer_gets_a_clear_message_for_an_htmx_edit(client, django_user_model, segment):
    client.force_login(make_user(django_user_model, "vera", VIEWERS))
    response = client.post(reverse("segment-detail", args=[segment.pk]), form(action="add_clause:r"), **HX)
    assert response.status_code == 403
    assert "Viewers can look at segments but not change them" in response.content.decode()


def test_a_marketer_sees_the_edit_controls_but_no_admin_link(client, django_user_model, segment):
    client.force_login(make_user(django_user_model, "mark", MARKETERS))
    html = client.get(reverse("segment-detail", args=[segment.pk])).content.decode()
    assert 'value="save"' in html and "disabled>" not in html and 'href="/admin/"' not in html
    assert "New compound segment" in client.get("/").content.decode()


def test_an_administrator_sees_the_admin_link(client, django_user_model, segment):
    client.force_login(make_user(django_user_model, "root", ADMINISTRATORS, is_staff=True))
    assert 'href="/admin/"' in client.get("/").content.decode()
