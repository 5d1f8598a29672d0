"""A membership of an older version is never called "Up to date": the list, the status and the API say stale."""

import pytest
from django.urls import reverse

from interactions.models import ApiToken
from segments.evaluation import segment_evaluate
from segments.models import Segment
from segments.services import segment_create

pytestmark = pytest.mark.django_db
QUERY = "INTERACTION(EmailOpened, EmailOpened_ContactLink).HAVING(COUNT() >= 1)"


def badge(text: str) -> str:
    value = {"Stale": "stale", "Up to date": "succeeded"}[text]
    return f'<span class="badge status-{value}">{text}</span>'


@pytest.mark.parametrize(("edited_during_the_run", "shown", "stale"),
                         [(False, "Up to date", False), (True, "Stale", True)])
def test_the_status_says_stale_when_the_members_are_of_an_older_version(signed_in, user, edited_during_the_run,
                                                                       shown, stale):
    segment = segment_create(name="openers", query_text=QUERY)
    segment_evaluate(segment_id=segment.pk)
    if edited_during_the_run:  # what a run that started before an edit leaves: succeeded, of version 1
        Segment.objects.filter(pk=segment.pk).update(version=2)

    for url in (reverse("segment-list"), reverse("segment-status", args=[segment.pk])):
        response = signed_in.get(url)
        assert response.status_code == 200
        assert badge(shown) in response.content.decode()
        other = "Up to date" if stale else "Stale"
        assert badge(other) not in response.content.decode()

    key = ApiToken.issue(name="test", user=user)[1]
    api = signed_in.get(f"/api/segments/{segment.pk}", headers={"Authorization": f"Bearer {key}"}).json()
    assert (api["status"], api["stale"]) == ("succeeded", stale)
