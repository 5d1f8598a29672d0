"""The real Dynamics queries of the corpus pasted into the designer's Query view: each one the language accepts
becomes the designer's form (or stays text where the form cannot hold it), posts back to the same query, saves
and evaluates; each one it refuses is answered with its positioned error, and the pasted text is kept."""

import pytest
from django.urls import reverse

from segments.evaluation import segment_evaluate
from segments.models import Segment
from segments.query import parse, unparse
from segments.services import segment_create
from tests.segments.query.test_dynamics_corpus import ACCEPTED, REFERENCED, REFUSED

from .test_round_trip import posted_back, rendered_form


@pytest.fixture
def referenced(db, user):
    for name, crm_id in REFERENCED.items():
        segment_create(name=name, query_text="PROFILE(contact).FILTER(address1_city == 'Oslo')", crm_id=crm_id,
                       owner=user)


@pytest.mark.parametrize("text", ACCEPTED)
def test_an_accepted_corpus_string_pastes_into_the_designer_saves_and_evaluates(signed_in, referenced, text):
    form = rendered_form(signed_in, text)  # pasted on the new segment page: the designer picks the form
    assert unparse(posted_back(signed_in, form)) == unparse(parse(text))
    data = {name: form.getlist(name) for name in form}
    data.update(action=["save"], name=["Pasted"])
    response = signed_in.post(reverse("segment-new"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    segment = Segment.objects.get(name="Pasted")
    assert segment.query == unparse(parse(text))
    assert segment_evaluate(segment_id=segment.pk).status == "succeeded"


@pytest.mark.parametrize(("text", "expected"), REFUSED)
def test_a_refused_corpus_string_pasted_is_answered_with_its_error_and_kept(signed_in, referenced, text, expected):
    response = signed_in.post(reverse("segment-new"), {"action": "text", "query_text": text, "text_base": ""})
    assert response.status_code == 200
    error = response.context["editor"].text_error
    assert error is not None and f"{error['line']}:{error['column']}: {error['message']}".startswith(expected), error
    assert response.context["editor"].text == text
