"""The designer's explain fragment for profile blocks and mixed compounds: each clause's verdict with the
contact's value, and each operand's verdict."""

from django.test import SimpleTestCase
from django.urls import reverse

from interactions.models import Contact

HX = {"HTTP_HX_REQUEST": "true"}
CLICKED = "INTERACTION(EmailClicked, EmailClicked_ContactLink)"


def explain(client, text: str, who: str) -> str:
    return client.post(reverse("segment-explain"), {"current_query": text, "explain_contact": who},
                       **HX).content.decode()


def test_a_profile_clause_shows_its_verdict_and_the_value(signed_in, demo):
    Contact.objects.filter(fullname="Ada Lovelace").update(address1_city="Oslo")
    html = explain(signed_in, "PROFILE(contact).FILTER(address1_city == 'oslo' && ISNOTNULL(jobtitle))", "ada@")
    assert 'data-testid="explain-verdict">out<' in html
    SimpleTestCase().assertInHTML(
        '<li class="pass indent-1"><span aria-hidden="true">✓</span> '
        "City equals &#x27;oslo&#x27;: passes (Oslo)</li>", html)
    SimpleTestCase().assertInHTML(
        '<li class="fail indent-1"><span aria-hidden="true">✗</span> '
        "Job title contains data: fails (no value)</li>", html)


def test_a_mixed_compound_shows_each_operands_verdict(signed_in, demo):
    Contact.objects.filter(fullname="Ada Lovelace").update(address1_city="Oslo")
    html = explain(signed_in, f"PROFILE(contact).FILTER(address1_city == 'Oslo') INTERSECT "
                              f"{CLICKED}.HAVING(COUNT() >= 2)", "ada@")
    assert 'data-testid="explain-verdict">in<' in html
    assert html.count('data-testid="explain-part"') == 3
    assert "A compound query (INTERSECT)" in html and "3 pass the restrictions" in html
    assert "City equals &#x27;Oslo&#x27;: passes (Oslo)" in html
