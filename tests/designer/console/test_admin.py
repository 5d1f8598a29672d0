"""The admin console: who gets it, every changelist and change page, the segment actions, read-only models,
and bounded query counts on the lists of big tables."""

import uuid

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from designer.console.store import recent_interactions
from interactions.models import INTERACTION_MODELS, RECORD_MODELS, ApiToken
from segments.models import EvaluationRun, Membership, MembershipChange, Segment
from segments.roles import ADMINISTRATORS, MARKETERS, VIEWERS
from segments.services import segment_create, segment_go_live
from tests.segments.helpers import T0, contact, days, interact

pytestmark = pytest.mark.django_db
CLICKED = "INTERACTION(EmailClicked, EmailClicked_ContactLink)"
JOURNEY = uuid.UUID("5acc43d5-356e-e811-a960-000d3a1cae35")


def _user(django_user_model, name, *groups, **flags):
    user = django_user_model.objects.create_user(name, password="pw-admin-123", **flags)
    user.groups.set([Group.objects.get_or_create(name=g)[0] for g in groups])
    return user


@pytest.fixture
def root(client, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("root", password="pw-admin-123"))
    return client


@pytest.fixture
def data(django_capture_on_commit_callbacks, django_user_model):
    """Three contacts with clicks and opens, a journey, a live segment with members and a compound using it."""
    RECORD_MODELS["CustomerJourney"].objects.create(id=JOURNEY, name="Spring launch journey")
    people = [contact("Ada Lovelace"), contact("Grace Hopper"), contact("Alan Turing")]
    for n, who in enumerate(people):
        for k in range(n + 1):
            interact("EmailClicked", who, T0 - days(k), customer_journey_id=JOURNEY, city="Paris")
        interact("EmailOpened", who, T0 - days(30), customer_journey_id=JOURNEY)
    for k in range(12):
        interact("FormSubmitted", people[0], T0 - days(100 + k))
    for name, model in INTERACTION_MODELS.items():  # one of every type, so that every change page has a row
        if not model.objects.exists():
            interact(name, people[2], T0 - days(200))
    for name, model in RECORD_MODELS.items():
        if not model.objects.exists():
            model.objects.create(name=f"A {name}")
    with django_capture_on_commit_callbacks(execute=True):
        clickers = segment_create(name="Clickers", query_text=f"{CLICKED}.HAVING(COUNT() >= 1)")
        segment_go_live(segment=clickers)
        users = segment_create(name="Users", query_text="SEGMENT(Clickers) EXCEPT SEGMENT(Clickers)")
        segment_go_live(segment=users)
    ApiToken.issue(name="tracker", user=_user(django_user_model, "bot"))
    return {"people": people, "clickers": clickers, "users": users}


def _changelists():
    names = ["segments_segment", "segments_evaluationrun", "segments_membership", "segments_membershipchange",
             "interactions_contact", "interactions_apitoken"]
    names += [f"interactions_{m._meta.model_name}" for m in RECORD_MODELS.values()]
    names += [f"interactions_{m._meta.model_name}" for m in INTERACTION_MODELS.values()]
    return names


# --- who gets the admin --------------------------------------------------------------------------------------

@pytest.mark.parametrize(("groups", "flags", "allowed"), [
    ((), {"is_superuser": True, "is_staff": True}, True),
    ((ADMINISTRATORS,), {"is_staff": True}, True),
    ((ADMINISTRATORS,), {}, False),  # an administrator who is not staff
    ((MARKETERS,), {"is_staff": True}, False),
    ((VIEWERS,), {"is_staff": True}, False),
    ((VIEWERS,), {}, False),
    ((), {"is_staff": True}, False),
])
def test_only_administrators_get_the_admin(client, django_user_model, data, groups, flags, allowed):
    client.force_login(_user(django_user_model, "someone", *groups, **flags))
    response = client.get(reverse("admin:index"))
    if allowed:
        assert response.status_code == 200 and "Segments" in response.content.decode()
        assert client.get(reverse("admin:segments_segment_changelist")).status_code == 200
    else:
        assert response.status_code == 302 and "/admin/login/" in response["Location"]
        response = client.get(reverse("admin:segments_segment_changelist"))
        assert response.status_code == 302


def test_an_administrator_without_model_permissions_sees_every_model(client, django_user_model, data):
    client.force_login(_user(django_user_model, "admin", ADMINISTRATORS, is_staff=True))
    html = client.get(reverse("admin:index")).content.decode()
    assert "Evaluation runs" in html and "Email clicked interactions" in html and "Contacts" in html


# --- every changelist and change page ------------------------------------------------------------------------

@pytest.mark.parametrize("name", _changelists())
def test_every_changelist_loads_with_few_queries(root, data, name, django_assert_max_num_queries):
    url = reverse(f"admin:{name}_changelist")
    root.get(url)  # warm caches (content types, ...)
    with django_assert_max_num_queries(14):
        response = root.get(url)
    assert response.status_code == 200


@pytest.mark.parametrize("name", _changelists())
def test_every_change_page_loads(root, data, name):
    app, model_name = name.split("_", 1)
    from django.apps import apps
    model = apps.get_model(app, model_name)
    obj = model.objects.first()
    if obj is None:
        pytest.skip(f"no {model_name} in the data")
    response = root.get(reverse(f"admin:{name}_change", args=[obj.pk]))
    assert response.status_code == 200


def test_the_segment_list_shows_state_kind_members_freshness(root, data):
    html = root.get(reverse("admin:segments_segment_changelist")).content.decode()
    assert "Clickers" in html and "Live" in html and "Compound" in html and "Up to date" in html
    html = root.get(reverse("admin:segments_segment_changelist"), {"kind__exact": "compound"}).content.decode()
    assert "Users" in html and ">Clickers<" not in html


def test_the_segment_page_shows_the_query_read_only_with_a_designer_link(root, data):
    segment = data["clickers"]
    html = root.get(reverse("admin:segments_segment_change", args=[segment.pk])).content.decode()
    assert reverse("segment-detail", args=[segment.pk]) in html
    assert "INTERACTION(EmailClicked, EmailClicked_ContactLink).HAVING(COUNT() &gt;= 1)" in html
    assert 'name="query"' not in html and 'name="name"' not in html and 'name="description"' in html
    assert "Users" in html  # used by


def test_the_description_is_saved_through_the_service(root, data):
    segment = data["clickers"]
    response = root.post(reverse("admin:segments_segment_change", args=[segment.pk]), {"description": "new words"})
    assert response.status_code == 302
    segment.refresh_from_db()
    assert segment.description == "new words" and segment.version == 2
    assert segment.query == f"{CLICKED}.HAVING(COUNT() >= 1)"


def test_a_contact_page_shows_its_ten_latest_interactions_in_one_query(root, data, django_assert_num_queries):
    ada = data["people"][0]
    with django_assert_num_queries(1):
        rows = recent_interactions(ada.pk)
    assert len(rows) == 10 and [r[2] for r in rows] == sorted((r[2] for r in rows), reverse=True)
    assert [r[0] for r in rows[:2]] == ["EmailClicked", "EmailOpened"]
    html = root.get(reverse("admin:interactions_contact_change", args=[ada.pk])).content.decode()
    assert "Latest 10 interactions" in html and "Email clicked" in html and "Form submitted" in html


def test_contacts_are_found_by_name_email_or_id(root, data):
    url = reverse("admin:interactions_contact_changelist")
    grace = data["people"][1]
    assert "Grace Hopper" in root.get(url, {"q": "grace"}).content.decode()
    html = root.get(url, {"q": grace.emailaddress1}).content.decode()
    assert "Grace Hopper" in html and "Ada Lovelace" not in html
    html = root.get(url, {"q": str(grace.pk).upper()}).content.decode()
    assert "Grace Hopper" in html and "Ada Lovelace" not in html


def test_interactions_filter_by_record_and_search_by_guid(root, data):
    url = reverse("admin:interactions_emailclicked_changelist")
    html = root.get(url).content.decode()
    assert "Spring launch journey" in html  # the filter offers the journey by name
    assert "Past 7 days" in html  # browsing by date, without scanning the table
    ada = data["people"][0]
    html = root.get(url, {"customer_journey_id": str(JOURNEY)}).content.decode()
    assert "6 results" in html  # 1 + 2 + 3 clicks
    html = root.get(url, {"q": str(ada.pk)}).content.decode()
    assert "1 result" in html and "Ada Lovelace" in html
    assert "0 results" in root.get(url, {"q": "not a guid"}).content.decode()


def test_the_contact_autocomplete_of_interactions_works(root, data):
    response = root.get(reverse("admin:autocomplete"), {"term": "ada", "app_label": "interactions",
                                                        "model_name": "emailclicked", "field_name": "contact"})
    assert response.status_code == 200 and response.json()["results"][0]["text"] == "Ada Lovelace"


# --- actions ---------------------------------------------------------------------------------------------------

def _action(client, action, *segments):
    return client.post(reverse("admin:segments_segment_changelist"),
                       {"action": action, "_selected_action": [s.pk for s in segments]}, follow=True)


def test_stop_is_refused_for_a_segment_a_live_compound_uses(root, data):
    html = _action(root, "stop", data["clickers"]).content.decode()
    assert "cannot be stopped" in html and "Users" in html
    assert Segment.objects.get(name="Clickers").state == "live"
    html = _action(root, "stop", data["users"]).content.decode()
    assert "Stopped: Users" in html and Segment.objects.get(name="Users").state == "stopped"


def test_go_live_and_evaluate_now(root, data, django_capture_on_commit_callbacks):
    draft = segment_create(name="Draft", query_text=f"{CLICKED}.HAVING(COUNT() >= 2)")
    with django_capture_on_commit_callbacks(execute=True):
        html = _action(root, "go_live", draft).content.decode()
    draft.refresh_from_db()
    assert "Live: Draft" in html and draft.state == "live" and draft.member_count == 2
    runs = EvaluationRun.objects.filter(segment=draft).count()
    with django_capture_on_commit_callbacks(execute=True):
        html = _action(root, "evaluate_now", draft).content.decode()
    assert "Evaluation queued: Draft" in html and EvaluationRun.objects.filter(segment=draft).count() == runs + 1


def test_export_members_as_csv(root, data):
    response = _action(root, "export_members_csv", data["clickers"])
    body = b"".join(response.streaming_content).decode()
    lines = body.splitlines()
    assert lines[0] == "Segment,ContactId,FullName,Email,MemberSince" and len(lines) == 4
    assert lines[1].startswith("Clickers,") and "Ada Lovelace" in body


def test_delete_goes_through_the_service_and_is_refused_when_in_use(root, data):
    html = _action(root, "delete_segments", data["clickers"]).content.decode()
    assert "cannot be deleted" in html and Segment.objects.filter(name="Clickers").exists()
    response = root.get(reverse("admin:segments_segment_delete", args=[data["clickers"].pk]), follow=True)
    assert "cannot be deleted" in response.content.decode()
    assert "delete_selected" not in root.get(reverse("admin:segments_segment_changelist")).content.decode()
    html = _action(root, "delete_segments", data["users"]).content.decode()
    assert "Deleted: Users" in html and not Segment.objects.filter(name="Users").exists()


# --- read-only models --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("model", [EvaluationRun, Membership, MembershipChange])
def test_runs_memberships_and_changes_are_read_only(root, data, model):
    name = f"admin:segments_{model._meta.model_name}"
    obj = model.objects.first()
    assert root.get(reverse(f"{name}_add")).status_code == 403
    page = root.get(reverse(f"{name}_change", args=[obj.pk])).content.decode()
    before = model.objects.count()
    assert root.post(reverse(f"{name}_change", args=[obj.pk]), {}).status_code == 403
    assert root.post(reverse(f"{name}_delete", args=[obj.pk]), {"post": "yes"}).status_code == 403
    assert model.objects.count() == before
    assert 'name="_save"' not in page


def test_membership_lists_filter_by_segment(root, data):
    clickers = data["clickers"]
    url = reverse("admin:segments_membership_changelist")
    html = root.get(url, {"segment__id__exact": clickers.pk}).content.decode()
    assert "3 results" in html and Membership.objects.filter(segment=clickers).count() == 3
