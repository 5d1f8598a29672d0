"""The JSON API under /api/: segments, members, runs, catalog, sharing; auth, roles, errors and the schema."""

import json
import re
import uuid

import pytest
from django.contrib.auth.models import Group
from django.test import Client

from interactions.models import ApiToken, Contact
from segments import roles
from segments.models import EvaluationRun, Segment
from segments.services import segment_create, segment_go_live
from tests.segments.helpers import contact, interact

pytestmark = pytest.mark.django_db

OPENED = "INTERACTION(EmailOpened, EmailOpened_ContactLink).HAVING(COUNT() >= 1)"
CLICKED = "INTERACTION(EmailClicked, EmailClicked_ContactLink).HAVING(COUNT() >= 1)"


def make_user(django_user_model, username, group=None, superuser=False):
    if superuser:
        user = django_user_model.objects.create_superuser(username, password="pw")
    else:
        user = django_user_model.objects.create_user(username, password="pw")
    if group:
        user.groups.add(Group.objects.get(name=group))
    return user


class Api:
    """A client that sends an API token and JSON."""

    def __init__(self, user=None, key=None, client=None):
        self.client = client or Client()
        self.key = key or (ApiToken.issue(name="test", user=user)[1] if user is not None else None)

    def __call__(self, method, url, body=None, **params):
        headers = {"Authorization": f"Bearer {self.key}"} if self.key else {}
        if params:
            url += ("&" if "?" in url else "?") + "&".join(f"{k}={v}" for k, v in params.items())
        kwargs = {"headers": headers}
        if body is not None:
            kwargs.update(data=json.dumps(body), content_type="application/json")
        return getattr(self.client, method.lower())(url, **kwargs)

    def get(self, url, **params):
        return self("GET", url, **params)

    def post(self, url, body=None, **params):
        return self("POST", url, body, **params)


@pytest.fixture
def marketer(django_user_model):
    return Api(make_user(django_user_model, "mary", roles.MARKETERS))


@pytest.fixture
def viewer(django_user_model):
    return Api(make_user(django_user_model, "victor", roles.VIEWERS))


@pytest.fixture
def openers():
    return segment_create(name="Openers", query_text=OPENED)


# Segments: create, read, update ----------------------------------------------------------------------------------

def test_create_stores_the_canonical_query_as_a_draft_owned_by_the_caller(marketer):
    response = marketer.post("/api/segments", {"name": " Openers ", "query": "interaction(emailopened, "
                             "EmailOpened_Contact).having(count() > 0)", "description": "opened once"})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["name"] == "Openers" and body["query"] == OPENED and body["description"] == "opened once"
    assert (body["kind"], body["state"], body["version"], body["owner"]) == ("behavioral", "draft", 1, "mary")
    assert body["reads_types"] == ["EmailOpened"] and body["member_count"] is None
    assert Segment.objects.get().owner.username == "mary"


def test_an_invalid_query_is_refused_with_its_position_and_nothing_is_saved(marketer):
    response = marketer.post("/api/segments", {"name": "x", "query": "INTERACTION(EmailOpend, "
                                               "EmailOpend_ContactLink)\n  .HAVING(COUNT() >= 1)"})
    assert response.status_code == 422
    error = response.json()["error"]
    assert (error["line"], error["column"]) == (1, 13)
    assert "unknown interaction type 'EmailOpend'" in error["message"]
    assert not Segment.objects.exists()


def test_a_taken_name_is_a_conflict(marketer, openers):
    response = marketer.post("/api/segments", {"name": "Openers", "query": CLICKED})
    assert response.status_code == 409
    assert response.json() == {"error": {"message": "a segment named 'Openers' exists already"}}


@pytest.mark.parametrize("body", [{"name": "  ", "query": OPENED}, {"query": OPENED}, {"name": "x"},
                                  {"name": "x", "query": OPENED, "colour": "red"}, {"name": "x" * 201, "query": OPENED},
                                  {"name": "a\x00b", "query": OPENED}])
def test_a_malformed_body_is_422_with_what_is_wrong(marketer, body):
    response = marketer.post("/api/segments", body)
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["message"].startswith("invalid request") and error["details"]


def test_a_body_that_is_not_json_is_400(marketer):
    response = marketer.client.post("/api/segments", data="{nope", content_type="application/json",
                                    headers={"Authorization": f"Bearer {marketer.key}"})
    assert response.status_code == 400
    assert "Cannot parse request body" in response.json()["error"]["message"]


def test_list_and_read(viewer, openers):
    segment_create(name="Clickers", query_text=CLICKED)
    listed = viewer.get("/api/segments")
    assert listed.status_code == 200
    assert [s["name"] for s in listed.json()] == ["Clickers", "Openers"]
    assert viewer.get("/api/segments", state="live").json() == []
    read = viewer.get(f"/api/segments/{openers.pk}")
    assert read.status_code == 200 and read.json()["query"] == OPENED and read.json()["owner"] is None


def test_unknown_and_malformed_ids(viewer):
    assert viewer.get("/api/segments/999").status_code == 404
    assert viewer.get("/api/segments/999").json() == {"error": {"message": "not found"}}
    assert viewer.get("/api/segments/abc").status_code == 422
    assert viewer.get("/api/segments/0").status_code == 422


def test_update_with_the_current_version_saves_a_new_version(marketer, openers):
    response = marketer("PATCH", f"/api/segments/{openers.pk}", {"version": 1, "query": CLICKED,
                                                                  "description": "now clicks"})
    assert response.status_code == 200
    assert (response.json()["version"], response.json()["query"]) == (2, CLICKED)
    assert response.json()["name"] == "Openers"


def test_update_of_an_old_version_is_a_409_with_the_current_version(marketer, openers):
    marketer("PATCH", f"/api/segments/{openers.pk}", {"version": 1, "description": "first"})
    response = marketer("PATCH", f"/api/segments/{openers.pk}", {"version": 1, "description": "second"})
    assert response.status_code == 409
    error = response.json()["error"]
    assert error["current_version"] == 2 and "changed by someone else" in error["message"]
    assert Segment.objects.get().description == "first"


def test_update_with_an_invalid_query_is_422_with_its_position(marketer, openers):
    query = "INTERACTION(EmailOpened, EmailOpened_ContactLink).HAVING(COUNT() >= )"
    response = marketer("PATCH", f"/api/segments/{openers.pk}", {"version": 1, "query": query})
    assert response.status_code == 422
    assert response.json()["error"]["line"] == 1 and response.json()["error"]["column"]
    assert Segment.objects.get().version == 1


def test_update_needs_the_version(marketer, openers):
    response = marketer("PATCH", f"/api/segments/{openers.pk}", {"description": "x"})
    assert response.status_code == 422
    assert "version" in response.json()["error"]["message"]


def test_renaming_a_segment_that_others_use_is_409_with_their_names(marketer, openers):
    segment_create(name="Both", query_text="SEGMENT(Openers) UNION SEGMENT(Openers)")
    response = marketer("PATCH", f"/api/segments/{openers.pk}", {"version": 1, "name": "Readers"})
    assert response.status_code == 409
    assert response.json()["error"]["used_by"] == ["Both"]


# Lifecycle ------------------------------------------------------------------------------------------------------

def test_go_live_evaluates_and_members_page_by_contact_id(marketer, openers, django_capture_on_commit_callbacks):
    people = [contact() for _ in range(5)]
    for person in people:
        interact("EmailOpened", person)
    with django_capture_on_commit_callbacks(execute=True):
        response = marketer.post(f"/api/segments/{openers.pk}/go-live")
    assert response.status_code == 200 and response.json()["state"] == "live"
    assert Segment.objects.get().member_count == 5

    seen, after, pages = [], None, 0
    while True:
        page = marketer.get(f"/api/segments/{openers.pk}/members", limit=2, **({"after": after} if after else {}))
        assert page.status_code == 200
        body = page.json()
        seen += [m["contact_id"] for m in body["items"]]
        pages += 1
        after = body["next"]
        if after is None:
            break
    assert pages == 3 and body["member_count"] == 5
    assert seen == sorted(str(p.contact_id) for p in people)
    first = marketer.get(f"/api/segments/{openers.pk}/members").json()["items"][0]
    assert set(first) == {"contact_id", "full_name", "email", "since"}


def test_members_after_must_be_a_contact_id(viewer, openers):
    response = viewer.get(f"/api/segments/{openers.pk}/members", after="nope")
    assert response.status_code == 422 and "GUID" in response.json()["error"]["message"]
    assert viewer.get(f"/api/segments/{openers.pk}/members", limit=0).status_code == 422
    assert viewer.get(f"/api/segments/{openers.pk}/members", after=str(uuid.UUID(int=2**127))).json()["items"] == []


def test_go_live_of_a_segment_whose_reference_is_gone_is_409(marketer, openers):
    both = segment_create(name="Both", query_text="SEGMENT(Openers)")
    Segment.objects.filter(pk=openers.pk).delete()
    response = marketer.post(f"/api/segments/{both.pk}/go-live")
    assert response.status_code == 409 and "'Openers'" in response.json()["error"]["message"]


def test_stop_and_its_conflict_with_live_users(marketer, openers, django_capture_on_commit_callbacks):
    both = segment_create(name="Both", query_text="SEGMENT(Openers)")
    with django_capture_on_commit_callbacks(execute=True):
        segment_go_live(segment=openers)
        segment_go_live(segment=both)
    response = marketer.post(f"/api/segments/{openers.pk}/stop")
    assert response.status_code == 409 and response.json()["error"]["used_by"] == ["Both"]
    assert marketer.post(f"/api/segments/{both.pk}/stop").json()["state"] == "stopped"
    assert marketer.post(f"/api/segments/{openers.pk}/stop").status_code == 200


def test_evaluate_queues_once_or_waits_for_the_run(marketer, openers, django_capture_on_commit_callbacks):
    interact("EmailOpened", contact())
    with django_capture_on_commit_callbacks(execute=False):
        first = marketer.post(f"/api/segments/{openers.pk}/evaluate")
        second = marketer.post(f"/api/segments/{openers.pk}/evaluate")
    assert first.status_code == 202 and first.json()["queued"] is True and first.json()["run"] is None
    assert first.json()["segment"]["status"] == "queued"
    assert second.status_code == 202 and second.json()["queued"] is False
    waited = marketer.post(f"/api/segments/{openers.pk}/evaluate", wait="true")
    assert waited.status_code == 200
    run = waited.json()["run"]
    assert (run["status"], run["members"], run["added"]) == ("succeeded", 1, 1)
    assert waited.json()["segment"]["member_count"] == 1

    runs = marketer.get(f"/api/segments/{openers.pk}/runs")
    assert runs.status_code == 200 and [r["id"] for r in runs.json()] == [run["id"]]
    assert marketer.get(f"/api/segments/{openers.pk}/runs", before=run["id"]).json() == []


def test_a_failed_synchronous_evaluation_answers_with_the_failed_run(marketer, openers, monkeypatch):
    def boom(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr("segments.evaluation._apply", boom)
    response = marketer.post(f"/api/segments/{openers.pk}/evaluate", wait="true")
    assert response.status_code == 200
    assert response.json()["run"]["status"] == "failed" and "database went away" in response.json()["run"]["error"]
    assert EvaluationRun.objects.get().status == "failed"


def test_delete_and_its_conflict_with_users(marketer, openers):
    both = segment_create(name="Both", query_text="SEGMENT(Openers)")
    response = marketer("DELETE", f"/api/segments/{openers.pk}")
    assert response.status_code == 409
    assert response.json()["error"]["used_by"] == ["Both"] and "'Both'" in response.json()["error"]["message"]
    assert marketer("DELETE", f"/api/segments/{both.pk}").status_code == 204
    assert marketer("DELETE", f"/api/segments/{openers.pk}").status_code == 204
    assert not Segment.objects.exists()


# The catalog ----------------------------------------------------------------------------------------------------

def test_interaction_types_with_their_fields(viewer):
    response = viewer.get("/api/interaction-types")
    assert response.status_code == 200
    types = {t["name"]: t for t in response.json()}
    assert len(types) == 23
    clicked = types["EmailClicked"]
    assert clicked["display_name"] == "Email clicked"
    fields = {f["name"]: f for f in clicked["fields"]}
    assert fields["CustomerJourneyId"] == {"name": "CustomerJourneyId", "kind": "guid", "label": "customer journey",
                                           "record_type": "CustomerJourney"}
    assert fields["Timestamp"]["kind"] == "datetime" and fields["LinkId"]["record_type"] is None
    one = viewer.get("/api/interaction-types/emailclicked")
    assert one.status_code == 200 and one.json() == clicked
    assert viewer.get("/api/interaction-types/Nope").status_code == 404


# Sharing over HTTP ----------------------------------------------------------------------------------------------

def test_export_and_import_over_http(marketer, openers):
    segment_create(name="Both", query_text="SEGMENT(Openers) UNION SEGMENT(Openers)")
    response = marketer.get("/api/segments/export?name=Both&name=Openers")
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="segments.json"'
    document = response.json()
    assert document["format"] == "segment-designer/segments" and document["version"] == 1
    assert [s["name"] for s in document["segments"]] == ["Openers", "Both"]
    assert marketer.get("/api/segments/export?name=Nope").status_code == 404
    assert len(marketer.get("/api/segments/export").json()["segments"]) == 2

    Segment.objects.all().delete()
    imported = marketer.post("/api/segments/import", document)
    assert imported.status_code == 200, imported.content
    assert imported.json()["created"] == ["Openers", "Both"] and imported.json()["ok"] is True
    assert set(Segment.objects.values_list("name", flat=True)) == {"Openers", "Both"}

    again = marketer.post("/api/segments/import", document, on_conflict="rename", dry_run="true")
    assert again.status_code == 200
    assert again.json()["renamed"] == {"Openers": "Openers (imported)", "Both": "Both (imported)"}
    assert again.json()["written"] is False and Segment.objects.count() == 2


def test_an_import_with_errors_is_422_and_writes_nothing(marketer):
    document = {"format": "segment-designer/segments", "version": 1, "segments": [
        {"name": "Good", "query": OPENED}, {"name": "Dangling", "query": "SEGMENT(Elsewhere)"}]}
    response = marketer.post("/api/segments/import", document)
    assert response.status_code == 422
    assert response.json()["missing_references"] == {"Dangling": ["Elsewhere"]}
    assert response.json()["written"] is False and not Segment.objects.exists()
    partial = marketer.post("/api/segments/import", document, partial="true")
    assert partial.status_code == 422 and partial.json()["created"] == ["Good"]
    assert list(Segment.objects.values_list("name", flat=True)) == ["Good"]


def test_a_document_that_is_not_an_export_is_400(marketer):
    response = marketer.post("/api/segments/import", {"format": "something else", "version": 1, "segments": []})
    assert response.status_code == 400 and "not a segment export" in response.json()["error"]["message"]
    response = marketer.post("/api/segments/import", {"format": "segment-designer/segments", "version": 9,
                                                      "segments": []})
    assert response.status_code == 400 and "version 9" in response.json()["error"]["message"]


# Authentication -------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("header", [None, "Bearer wrong", "Basic abc", "Bearer "])
def test_no_valid_credentials_is_401(openers, header):
    headers = {"Authorization": header} if header else {}
    response = Client().get("/api/segments", headers=headers)
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert "authentication required" in response.json()["error"]["message"]


def test_a_revoked_token_is_401(marketer):
    ApiToken.objects.update(is_active=False)
    assert marketer.get("/api/segments").status_code == 401


def test_a_deactivated_users_token_is_401_and_stays_revoked(marketer):
    user = ApiToken.objects.get().user
    user.is_active = False
    user.save()
    assert marketer.get("/api/segments").status_code == 401
    assert not ApiToken.objects.filter(user=user, is_active=True).exists()
    user.is_active = True
    user.save()
    assert marketer.get("/api/segments").status_code == 401  # reactivating does not bring old keys back


def test_a_token_of_a_user_made_inactive_without_save_signals_is_refused(marketer):
    user = ApiToken.objects.get().user
    type(user).objects.filter(pk=user.pk).update(is_active=False)  # e.g. a bulk update: no signal runs
    assert marketer.get("/api/segments").status_code == 401


def test_the_token_scheme_is_accepted_too(marketer):
    response = Client().get("/api/segments", headers={"Authorization": f"Token {marketer.key}"})
    assert response.status_code == 200


def test_a_logged_in_session_works_and_needs_csrf_for_writes(django_user_model):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(make_user(django_user_model, "mary", roles.MARKETERS))
    assert browser.get("/api/segments").status_code == 200
    body = json.dumps({"name": "Openers", "query": OPENED})
    refused = browser.post("/api/segments", data=body, content_type="application/json")
    assert refused.status_code == 403 and "CSRF" in refused.json()["error"]["message"]
    page = browser.get("/api/docs")  # any page that renders the token sets the cookie
    token = re.search(r'data-csrf-token="([^"]+)"', page.content.decode()).group(1)
    accepted = browser.post("/api/segments", data=body, content_type="application/json",
                            headers={"X-CSRFToken": token})
    assert accepted.status_code == 201 and accepted.json()["owner"] == "mary"


# The schema and its docs ----------------------------------------------------------------------------------------

def test_the_openapi_schema_documents_every_endpoint():
    schema = Client().get("/api/openapi.json").json()
    assert schema["info"]["title"] == "Segment Designer API"
    assert set(schema["paths"]) == {
        "/api/segments", "/api/segments/{segment_id}", "/api/segments/{segment_id}/go-live",
        "/api/segments/{segment_id}/stop", "/api/segments/{segment_id}/evaluate",
        "/api/segments/{segment_id}/members", "/api/segments/{segment_id}/runs", "/api/segments/export",
        "/api/segments/import", "/api/interaction-types", "/api/interaction-types/{name}", "/api/interactions",
    }
    assert set(schema["components"]["securitySchemes"]) == {"TokenAuth", "SessionAuth"}
    assert set(schema["paths"]["/api/segments/{segment_id}"]) == {"get", "patch", "delete"}


def test_the_docs_page_loads_nothing_from_the_internet():
    page = Client().get("/api/docs")
    assert page.status_code == 200
    html = page.content.decode()
    assert "//" not in re.sub(r"<!DOCTYPE[^>]*>", "", html).replace("/api/docs/static/", "")
    for src in re.findall(r'(?:src|href)="([^"]+)"', html):
        assert src.startswith("/api/docs/static/")
        assert Client().get(src).status_code == 200
    assert Client().get("/api/docs/static/secrets.txt").status_code == 404


# Roles: every action, every role ---------------------------------------------------------------------------------

EXPORT_DOC = {"format": "segment-designer/segments", "version": 1,
              "segments": [{"name": "Imported", "query": CLICKED}]}
INGESTED = [{"type": "Contact", "ContactId": str(uuid.UUID(int=7)), "FullName": "Overwritten"}]
READ, EDIT, INGEST = "read", "edit", "ingest"  # what an action needs: see segments, change them, write interactions
# (action, method, path, body, status on success, what it needs)
ACTIONS = [
    ("list", "GET", "/api/segments", None, 200, READ),
    ("read", "GET", "/api/segments/{pk}", None, 200, READ),
    ("members", "GET", "/api/segments/{pk}/members", None, 200, READ),
    ("runs", "GET", "/api/segments/{pk}/runs", None, 200, READ),
    ("catalog", "GET", "/api/interaction-types", None, 200, READ),
    ("catalog type", "GET", "/api/interaction-types/EmailOpened", None, 200, READ),
    ("export", "GET", "/api/segments/export?name=Openers", None, 200, READ),
    ("create", "POST", "/api/segments", {"name": "New", "query": CLICKED}, 201, EDIT),
    ("update", "PATCH", "/api/segments/{pk}", {"version": 1, "description": "changed"}, 200, EDIT),
    ("go live", "POST", "/api/segments/{pk}/go-live", None, 200, EDIT),
    ("stop", "POST", "/api/segments/{pk}/stop", None, 200, EDIT),
    ("evaluate", "POST", "/api/segments/{pk}/evaluate", None, 202, EDIT),
    ("evaluate and wait", "POST", "/api/segments/{pk}/evaluate?wait=true", None, 200, EDIT),
    ("evaluate in full", "POST", "/api/segments/{pk}/evaluate?wait=true", {"full": True}, 200, EDIT),
    ("delete", "DELETE", "/api/segments/{pk}", None, 204, EDIT),
    ("import", "POST", "/api/segments/import", EXPORT_DOC, 200, EDIT),
    ("ingest", "POST", "/api/interactions", INGESTED, 200, INGEST),
]
ROLES = ["anonymous", "no group", "viewer", "marketer", "ingest", "administrator", "superuser"]
# who may do what (the superuser everything)
MAY = {"viewer": {READ}, "marketer": {READ, EDIT}, "ingest": {INGEST}, "administrator": {READ, EDIT, INGEST}}


def client_for(role, django_user_model) -> Api:
    if role == "anonymous":
        return Api()
    group = {"viewer": roles.VIEWERS, "marketer": roles.MARKETERS, "ingest": roles.INGEST,
             "administrator": roles.ADMINISTRATORS}.get(role)
    user = make_user(django_user_model, role.replace(" ", "_"), group, superuser=role == "superuser")
    if role == "administrator":
        user.is_staff = True  # Administrators are staff (the admin console's users)
        user.save()
    return Api(user)


def expected_status(role, success, needs):
    if role == "anonymous":
        return 401
    if role != "superuser" and needs not in MAY.get(role, set()):
        return 403
    return success


def state():
    """Everything an action can change: the segments and the contacts."""
    return (list(Segment.objects.values_list("name", "version", "state", "status")),
            list(Contact.objects.values_list("contact_id", "fullname")))


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("action", "method", "path", "body", "success", "needs"), ACTIONS,
                         ids=[a[0] for a in ACTIONS])
def test_each_role_on_each_action(django_user_model, openers, role, action, method, path, body, success, needs):
    Contact.objects.create(contact_id=uuid.UUID(int=7), fullname="Ada Lovelace")
    api = client_for(role, django_user_model)
    before = state()
    response = api(method, path.format(pk=openers.pk), body)
    assert response.status_code == expected_status(role, success, needs), response.content
    if response.status_code in (401, 403):
        message = response.json()["error"]["message"]
        if needs == INGEST and role != "anonymous":
            assert message == f"'{role.replace(' ', '_')}' may not ingest interactions: ask an administrator to add " \
                              "this user to the Ingest group"
        elif role == "viewer":
            assert message == "you may only read segments (Viewers): changing them needs the Marketers group"
        elif role in ("no group", "ingest"):
            assert "ask an administrator" in message and "Viewers" in message
        assert state() == before


def test_a_viewer_logged_in_through_the_browser_is_refused_writes_too(django_user_model):
    browser = Client()
    browser.force_login(make_user(django_user_model, "vera", roles.VIEWERS))
    response = browser.post("/api/segments", data=json.dumps({"name": "x", "query": OPENED}),
                            content_type="application/json")
    assert response.status_code == 403 and "Viewers" in response.json()["error"]["message"]


def test_the_answers_show_the_state_after_the_action(marketer, openers, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        live = marketer.post(f"/api/segments/{openers.pk}/go-live").json()
        assert (live["state"], live["status"]) == ("live", "queued")
    Segment.objects.filter(pk=openers.pk).update(queued_at=None, status="succeeded")
    with django_capture_on_commit_callbacks(execute=False):
        edited = marketer("PATCH", f"/api/segments/{openers.pk}", {"version": 1, "query": CLICKED}).json()
    assert (edited["version"], edited["status"]) == (2, "queued")
