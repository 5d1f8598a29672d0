"""The Query view accepts profile and mixed queries; the form shows profile blocks and sends them back."""

import pytest
from django.urls import reverse

from segments.models import Segment

from .test_views import HX, form_data

pytestmark = pytest.mark.django_db

MIXED = ("PROFILE(contact, contact_1).FILTER((contact_1.address1_city == 'Oslo')) UNION "
         "INTERACTION(EmailClicked, EmailClicked_ContactLink).HAVING(COUNT() > 0, UTCDAYS(30))")
CANONICAL = MIXED.replace("COUNT() > 0", "COUNT() >= 1")


def test_pasted_mixed_text_shows_the_profile_block_in_the_form(signed_in, demo):
    html = signed_in.post(reverse("segment-new"), form_data(action="text", query_text=MIXED), **HX).content.decode()
    assert "This query has profile blocks: edit them in the Query view." in html
    assert ('name="c-0-text" value="PROFILE(contact, contact_1).FILTER((contact_1.address1_city == '
            '&#x27;Oslo&#x27;))"') in html


def test_a_segment_is_saved_from_pasted_profile_text(signed_in, demo):
    response = signed_in.post(reverse("segment-new"), form_data(action="save", name="Oslo or clickers",
                                                                query_text=MIXED))
    segment = Segment.objects.get(name="Oslo or clickers")
    assert response.status_code == 302
    assert (segment.query, segment.kind, segment.reads_types) == (CANONICAL, "compound", ["EmailClicked", "Contact"])


def test_the_compound_form_sends_a_profile_block_back_unchanged(signed_in, demo):
    data = {"action": "save", "compound": "1", "name": "Oslo", "description": "", "version": "",
            "query_text": "", "text_base": "", "c-0-kind": "profile", "c-0-join": "UNION",
            "c-0-text": "PROFILE(contact).FILTER(address1_city == 'Oslo')"}
    assert signed_in.post(reverse("segment-new"), data).status_code == 302
    assert Segment.objects.get(name="Oslo").query == "PROFILE(contact).FILTER(address1_city == 'Oslo')"
