"""Interactions deleted in the admin console leave the segments at the next evaluation, though a refresh only looks
at newly ingested rows; and "Evaluate now (full)" recomputes every contact, in the designer and over the API."""

import json
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from interactions.models import INTERACTION_MODELS, ApiToken
from segments.evaluation import segment_evaluate
from segments.models import EvaluationRun, Membership
from segments.services import segment_create, segment_go_live
from tests.designer.conftest import make_user
from tests.segments.helpers import contact, days, interact

# Refreshes are incremental on PostgreSQL only; committed transactions, as in production (the ingest watermark
# reads the transactions running in other sessions).
pytestmark = [pytest.mark.postgresql, pytest.mark.django_db(transaction=True)]
OPENED = "INTERACTION(EmailOpened, EmailOpened_ContactLink).HAVING(COUNT() >= 1)"
OPENS = INTERACTION_MODELS["EmailOpened"]


def members(segment) -> set[str]:
    return set(Membership.objects.filter(segment=segment).values_list("contact__fullname", flat=True))


@pytest.fixture
def openers():
    """Ada and Grace opened an email; the segment of openers was evaluated, and a refresh of it is incremental."""
    now = timezone.now()
    for name in ("Ada", "Grace"):
        interact("EmailOpened", contact(name), at=now - days(1))
    segment = segment_create(name="Openers", query_text=OPENED)
    assert segment_evaluate(segment_id=segment.pk).mode == "full"
    assert segment_evaluate(segment_id=segment.pk).mode == "incremental"
    assert members(segment) == {"Ada", "Grace"}
    return segment


@pytest.fixture
def root(client, django_user_model):
    client.force_login(make_user(django_user_model, "root", is_superuser=True, is_staff=True))
    return client


def delete_one(client, pk):
    return client.post(reverse("admin:interactions_emailopened_delete", args=[pk]), {"post": "yes"})


def delete_selected(client, pk):
    return client.post(reverse("admin:interactions_emailopened_changelist"),
                       {"action": "delete_selected", "_selected_action": [str(pk)], "post": "yes"})


def evaluate_in_designer(client, segment, action="evaluate"):
    return client.post(reverse("segment-detail", args=[segment.pk]), {
        "action": action, "type": "EmailOpened", "prev_type": "EmailOpened", "agg": "COUNT", "count_op": "atleast",
        "count_n": "1", "window": "all", "r-op": "AND", "query_text": "", "text_base": "", "name": segment.name,
        "description": "", "version": str(segment.version)})


@pytest.mark.parametrize("delete", [delete_one, delete_selected], ids=["delete", "bulk delete action"])
@pytest.mark.parametrize("live", [False, True], ids=["draft", "live"])
def test_a_contact_whose_interaction_is_deleted_in_the_admin_leaves_at_evaluate_now(root, openers, delete, live):
    if live:
        segment_go_live(segment=openers)  # evaluated in-process at once (no broker in the tests)
    before = EvaluationRun.objects.filter(segment=openers).count()
    response = delete(root, OPENS.objects.get(contact__fullname="Ada").pk)
    assert response.status_code == 302
    assert not OPENS.objects.filter(contact__fullname="Ada").exists()
    runs = EvaluationRun.objects.filter(segment=openers).order_by("id")
    if live:  # a live segment is evaluated in full at once
        assert [(r.mode, r.reason) for r in runs[before:]] == [("full", "interactions changed in the admin")]
    assert evaluate_in_designer(root, openers).status_code == 302
    assert members(openers) == {"Grace"}
    assert runs[before].mode == "full"  # the next run after the delete, whichever asked for it
    openers.refresh_from_db()
    assert openers.member_count == 1


def test_evaluate_now_in_full_sees_what_a_refresh_cannot(root, openers):
    OPENS.objects.filter(contact__fullname="Ada").delete()  # by hand, outside the app (as in psql)
    assert evaluate_in_designer(root, openers, action="evaluate_full").status_code == 302
    assert members(openers) == {"Grace"}
    run = EvaluationRun.objects.filter(segment=openers).latest("id")
    assert (run.mode, run.reason) == ("full", "requested in the designer")


@pytest.mark.django_db  # no commits needed: the run answers in the request
@pytest.mark.parametrize(("query", "body", "mode"), [
    ("", None, "incremental"),
    ("", {"full": False}, "incremental"),
    ("", {"full": True}, "full"),
    ("&full=true", None, "full"),
])
def test_the_api_evaluates_in_full_on_request(client, django_user_model, openers, query, body, mode):
    key = ApiToken.issue(name="t", user=make_user(django_user_model, "mary", "Marketers"))[1]
    kwargs = {"data": json.dumps(body), "content_type": "application/json"} if body is not None else {}
    response = client.post(f"/api/segments/{openers.pk}/evaluate?wait=true{query}",
                           headers={"Authorization": f"Bearer {key}"}, **kwargs)
    assert response.status_code == 200, response.content
    assert response.json()["run"]["mode"] == mode


@pytest.mark.django_db
@pytest.mark.parametrize("body", ['{"full": "yes"}', "[true]", "{nope"])
def test_a_bad_evaluate_body_is_refused(client, django_user_model, openers, body):
    key = ApiToken.issue(name="t", user=make_user(django_user_model, "mary", "Marketers"))[1]
    response = client.post(f"/api/segments/{openers.pk}/evaluate", data=body, content_type="application/json",
                           headers={"Authorization": f"Bearer {key}"})
    assert response.status_code in (400, 422)
    assert response.json()["error"]["message"].startswith(("body is not valid JSON", "invalid request"))
    assert not EvaluationRun.objects.filter(segment=openers, reason="API").exists()


def test_an_interaction_moved_to_another_contact_in_the_admin_is_seen_by_the_next_run(root, openers):
    opened = OPENS.objects.get(contact__fullname="Ada")
    form = root.get(reverse("admin:interactions_emailopened_change", args=[opened.pk])).context["adminform"].form
    data = {name: "" if value is None else value for name, value in form.initial.items()}
    data.update(contact=str(contact("Alan").pk), timestamp_0=opened.timestamp.date().isoformat(),
                timestamp_1=opened.timestamp.time().isoformat(timespec="seconds"))
    response = root.post(reverse("admin:interactions_emailopened_change", args=[opened.pk]), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert evaluate_in_designer(root, openers).status_code == 302
    assert members(openers) == {"Alan", "Grace"}


def test_an_interaction_added_in_the_admin_refreshes_the_live_segments_that_read_it(root, openers):
    segment_go_live(segment=openers)
    opened = OPENS.objects.get(contact__fullname="Ada")
    form = root.get(reverse("admin:interactions_emailopened_change", args=[opened.pk])).context["adminform"].form
    data = {name: "" if value is None else value for name, value in form.initial.items()}
    data.update(interaction_id=str(uuid.uuid4()), contact=str(contact("Alan").pk),
                timestamp_0=opened.timestamp.date().isoformat(),
                timestamp_1=opened.timestamp.time().isoformat(timespec="seconds"))
    response = root.post(reverse("admin:interactions_emailopened_add"), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert members(openers) == {"Ada", "Alan", "Grace"}  # no Evaluate now: queued by the add
    assert EvaluationRun.objects.filter(segment=openers).latest("id").reason == "new interactions"


def test_the_admin_evaluates_segments_in_full_on_request(root, openers):
    OPENS.objects.filter(contact__fullname="Ada").delete()  # by hand, outside the app
    response = root.post(reverse("admin:segments_segment_changelist"),
                         {"action": "evaluate_in_full", "_selected_action": [str(openers.pk)]})
    assert response.status_code == 302
    run = EvaluationRun.objects.filter(segment=openers).latest("id")
    assert (run.mode, run.reason) == ("full", "requested in the admin")
    assert members(openers) == {"Grace"}


def delete_contact(client, pk):
    return client.post(reverse("admin:interactions_contact_delete", args=[pk]), {"post": "yes"})


def delete_contacts_selected(client, pk):
    return client.post(reverse("admin:interactions_contact_changelist"),
                       {"action": "delete_selected", "_selected_action": [str(pk)], "post": "yes"})


@pytest.mark.parametrize("delete", [delete_contact, delete_contacts_selected], ids=["delete", "bulk delete action"])
def test_a_contact_deleted_in_the_admin_leaves_every_segment_with_a_true_member_count(root, openers, delete):
    everyone = segment_create(name="Everyone who opened or not", query_text=f"{OPENED} UNION SEGMENT(Openers)")
    segment_evaluate(segment_id=everyone.pk)
    ada = Membership.objects.get(segment=openers, contact__fullname="Ada").contact_id
    assert delete(root, ada).status_code == 302
    for segment in (openers, everyone):
        segment.refresh_from_db()
        assert (members(segment), segment.member_count) == ({"Grace"}, 1)
    segment_evaluate(segment_id=openers.pk)  # the refresh that follows keeps the count true
    openers.refresh_from_db()
    assert openers.member_count == 1


def test_a_full_run_counts_the_members_afresh(openers):
    Membership.objects.filter(segment=openers, contact__fullname="Ada").delete()  # by hand, as in psql
    segment_evaluate(segment_id=openers.pk, full=True)
    openers.refresh_from_db()
    assert (members(openers), openers.member_count) == ({"Ada", "Grace"}, 2)
    Membership.objects.filter(segment=openers, contact__fullname="Ada").delete()
    openers.member_count = 7
    openers.save(update_fields=["member_count"])
    segment_evaluate(segment_id=openers.pk, full=True)
    openers.refresh_from_db()
    assert openers.member_count == 2
