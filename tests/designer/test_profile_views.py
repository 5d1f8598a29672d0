"""The profile designer and inline profile blocks: every action, as htmx and as a plain post; the Query view
accepts profile and mixed queries."""

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from designer.editor.profile import TEXT_ONLY
from interactions.models import CustomAttribute
from segments.models import Segment
from segments.services import segment_create

from .test_views import HX, form_data

pytestmark = pytest.mark.django_db

MIXED = ("PROFILE(contact, contact_1).FILTER((contact_1.address1_city == 'Oslo')) UNION "
         "INTERACTION(EmailClicked, EmailClicked_ContactLink).HAVING(COUNT() > 0, UTCDAYS(30))")
CANONICAL = MIXED.replace("COUNT() > 0", "COUNT() >= 1")
NEW = reverse("segment-new")
CITY = {"r-0-kind": "clause", "r-0-field": "address1_city", "r-0-op": "==", "r-0-value": "Oslo"}


def profile_data(**fields):
    data = {"profile": "1", "entity": "contact", "prev_entity": "contact", "r-op": "AND", "query_text": "",
            "text_base": "", "name": "", "description": "", "version": ""}
    data.update(fields)
    return data


def text_of(response) -> str:
    return response.context["editor"].current_query


def option(value, label, selected=False):
    return f'<option value="{value}"{" selected" if selected else ""}>{label}</option>'


# --- the pages -------------------------------------------------------------------------------------------

def test_the_list_offers_a_new_profile_segment(signed_in, demo):
    response = signed_in.get("/")
    assertContains(response, f'<a class="button" href="{NEW}?kind=profile">')
    assertContains(response, "New profile segment</a>")


def test_the_new_profile_page_starts_with_every_contact(signed_in, demo):
    response = signed_in.get(NEW, {"kind": "profile"})
    assertContains(response, "<h1>New profile segment</h1>", html=True)
    assertContains(response, option("contact", "Contacts", True), html=True)
    assertContains(response, option("account", "Accounts and their contacts"), html=True)
    assertContains(response, '<li class="muted empty">No clauses: every contact counts.</li>', html=True)
    assertContains(response, '<input type="hidden" name="profile" value="1">', html=True)
    assert text_of(response) == "PROFILE(contact)"


def test_a_saved_profile_segment_opens_with_its_form(signed_in, demo):
    segment = segment_create(name="Oslo", query_text="PROFILE(contact).FILTER(address1_city == 'Oslo')")
    response = signed_in.get(reverse("segment-detail", args=[segment.pk]))
    assertContains(response, option("address1_city", "City", True), html=True)
    assertContains(response, '<input id="r-0-value-0" name="r-0-value" value="Oslo">', html=True)


def test_pasted_mixed_text_shows_the_profile_block_in_the_compound_form(signed_in, demo):
    response = signed_in.post(NEW, form_data(action="text", query_text=MIXED), **HX)
    assertContains(response, '<input type="hidden" name="c-0-alias" value="contact_1">', html=True)
    assertContains(response, '<input type="hidden" name="c-0-r-0-0-qual" value="contact_1">', html=True)
    assertContains(response, option("address1_city", "City", True), html=True)
    assertContains(response, '<input type="hidden" name="c-0-kind" value="profile">', html=True)


def test_pasted_profile_text_in_the_behavioral_designer_switches_to_the_profile_form(signed_in, demo):
    response = signed_in.post(NEW, form_data(action="text", query_text="PROFILE(contact)"), **HX)
    assertContains(response, '<input type="hidden" name="profile" value="1">', html=True)
    assert response.context["editor"].profile


def test_a_segment_is_saved_from_pasted_profile_text(signed_in, demo):
    response = signed_in.post(NEW, form_data(action="save", name="Oslo or clickers", query_text=MIXED))
    segment = Segment.objects.get(name="Oslo or clickers")
    assert response.status_code == 302
    assert (segment.query, segment.kind, segment.reads_types) == (CANONICAL, "compound", ["EmailClicked", "Contact"])


# --- form edits ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("htmx", [True, False])
def test_add_a_clause_pick_an_attribute_and_save(signed_in, demo, htmx):
    extra = HX if htmx else {}
    response = signed_in.post(NEW, profile_data(action="add_clause:r"), **extra)
    assertContains(response, '<input type="hidden" name="r-0-kind" value="clause">', html=True)
    assertContains(response, option("jobtitle", "Job title"), html=True)
    if htmx:
        assert response.content.decode().lstrip().startswith('<div id="block"')
    else:
        assertContains(response, "<html", count=1)
    response = signed_in.post(NEW, profile_data(action="update", **CITY), **extra)
    assert text_of(response) == "PROFILE(contact).FILTER(address1_city == 'Oslo')"
    response = signed_in.post(NEW, profile_data(action="save", name="Oslo", **CITY))
    segment = Segment.objects.get(name="Oslo")
    assert response.status_code == 302 and segment.kind == "profile"
    assert segment.query == "PROFILE(contact).FILTER(address1_city == 'Oslo')"


def test_add_group_not_or_and_ungroup(signed_in, demo):
    response = signed_in.post(NEW, profile_data(action="add_group:r", **CITY), **HX)
    assertContains(response, '<input type="hidden" name="r-1-kind" value="group">', html=True)
    group = {"r-1-kind": "group", "r-1-op": "OR", "r-1-not": "1", "r-1-0-kind": "clause",
             "r-1-0-field": "jobtitle", "r-1-0-op": "CONTAINS", "r-1-0-value": "CTO", "r-1-1-kind": "clause",
             "r-1-1-field": "donotemail", "r-1-1-op": "==", "r-1-1-value": "True"}
    response = signed_in.post(NEW, profile_data(action="update", **CITY, **group), **HX)
    assert text_of(response) == ("PROFILE(contact).FILTER(address1_city == 'Oslo' && "
                                 "NOT(jobtitle CONTAINS 'CTO' || donotemail == True))")
    response = signed_in.post(NEW, profile_data(action="ungroup:r-1", **CITY, **group), **HX)
    assert text_of(response) == ("PROFILE(contact).FILTER(address1_city == 'Oslo' && jobtitle CONTAINS 'CTO' && "
                                 "donotemail == True)")
    response = signed_in.post(NEW, profile_data(action="delete:r-0", **CITY, **group), **HX)
    assert text_of(response) == "PROFILE(contact).FILTER(NOT(jobtitle CONTAINS 'CTO' || donotemail == True))"


def test_group_selected_groups_the_rows_of_its_own_filter(signed_in, demo):
    rows = {**CITY, "r-0-sel": "1", "r-1-kind": "clause", "r-1-field": "jobtitle", "r-1-op": "==",
            "r-1-value": "CTO", "r-1-sel": "1"}
    response = signed_in.post(NEW, profile_data(action="group:", **rows), **HX)
    assert text_of(response) == "PROFILE(contact).FILTER((address1_city == 'Oslo' || jobtitle == 'CTO'))"
    response = signed_in.post(NEW, profile_data(action="group:", **CITY), **HX)
    assertContains(response, "Select the rows to group first")


def test_accounts_and_their_contacts_have_two_lists_of_clauses(signed_in, demo):
    response = signed_in.post(NEW, profile_data(entity="account", action="add_clause:t-r", **CITY), **HX)
    # the contact clause moved after TRAVERSE; the account list is empty; the new row is a contact row
    assert text_of(response) == ("PROFILE(account).TRAVERSE(contact_account_parentcustomerid)"
                                 ".FILTER(address1_city == 'Oslo')")
    assertContains(response, "<legend>Their contacts</legend>", html=True)
    assertContains(response, '<input type="hidden" name="t-r-1-kind" value="clause">', html=True)
    assertContains(response, "<legend>Accounts</legend>", html=True)
    data = profile_data(entity="account", prev_entity="account", action="update", **{
        "r-0-kind": "clause", "r-0-field": "industrycode", "r-0-op": "IN", "r-0-value": ["Wholesale", "Financial"],
        "r-1-kind": "clause", "r-1-field": "numberofemployees", "r-1-op": ">", "r-1-value": "500",
        "t-r-op": "AND", "t-r-0-kind": "clause", "t-r-0-field": "jobtitle", "t-r-0-op": "==", "t-r-0-value": "CTO"})
    response = signed_in.post(NEW, data, **HX)
    assertContains(response, option("industrycode", "Industry", True), html=True)
    assert text_of(response) == (
        "PROFILE(account).FILTER((industrycode == 'Wholesale' || industrycode == 'Financial') && "
        "numberofemployees > 500).TRAVERSE(contact_account_parentcustomerid).FILTER(jobtitle == 'CTO')")
    back = signed_in.post(NEW, {**data, "entity": "contact"}, **HX)
    assert text_of(back) == "PROFILE(contact).FILTER(jobtitle == 'CTO')"
    assertContains(back, "Contacts have no account clauses: 2 were dropped.")


def test_a_choice_attribute_offers_its_labels_and_keeps_a_number_a_number(signed_in, demo):
    row = {"r-0-kind": "clause", "r-0-field": "gendercode", "r-0-op": "==", "r-0-value": ""}
    response = signed_in.post(NEW, profile_data(action="update", **row), **HX)
    assertContains(response, option("", "(choose a value)", True), html=True)
    assertContains(response, option("Female", "Female"), html=True)
    assertContains(response, '<p class="value-hint" id="r-0-errors">choose a value</p>', html=True)
    response = signed_in.post(NEW, profile_data(action="update", **{**row, "r-0-value": "Female"}), **HX)
    assert text_of(response) == "PROFILE(contact).FILTER(gendercode == 'Female')"
    response = signed_in.post(NEW, profile_data(action="text", query_text="PROFILE(contact).FILTER(gendercode == 2)"),
                              **HX)
    assertContains(response, option("2", "Female", True), html=True)
    response = signed_in.post(NEW, profile_data(action="update", **{**row, "r-0-value": "Other"}), **HX)
    assertContains(response, '<p class="error" id="r-0-errors">\'Other\' is not a choice of gendercode; use a '
                             "number or label: 1 Male, 2 Female</p>", html=True)


def test_a_boolean_is_yes_or_no(signed_in, demo):
    row = {"r-0-kind": "clause", "r-0-field": "donotbulkemail", "r-0-op": "==", "r-0-value": "False"}
    response = signed_in.post(NEW, profile_data(action="update", **row), **HX)
    assertContains(response, option("False", "no", True), html=True)
    assertContains(response, option("True", "yes"), html=True)
    assert text_of(response) == "PROFILE(contact).FILTER(donotbulkemail == False)"


def test_dates_a_date_input_or_a_time_ago(signed_in, demo):
    row = {"r-0-kind": "clause", "r-0-field": "birthdate", "r-0-op": "<", "r-0-value": "1990-03-31"}
    response = signed_in.post(NEW, profile_data(action="update", **row), **HX)
    assertContains(response, '<input id="r-0-value-0" name="r-0-value" value="1990-03-31" type="date">', html=True)
    assert text_of(response) == "PROFILE(contact).FILTER(birthdate < '1990-03-31')"
    created = {"r-0-kind": "clause", "r-0-field": "createdon", "r-0-op": ">=", "r-0-when": "ago",
               "r-0-prev_when": "at", "r-0-value": "2026-01-01"}
    response = signed_in.post(NEW, profile_data(action="update", **created), **HX)  # a new mode: the date goes
    assertContains(response, '<p class="value-hint" id="r-0-errors">enter how many, a whole number</p>', html=True)
    assertContains(response, option("DAY", "days", True), html=True)
    created.update({"r-0-prev_when": "ago", "r-0-value": "30"})
    response = signed_in.post(NEW, profile_data(action="update", **created), **HX)
    assert text_of(response) == "PROFILE(contact).FILTER(createdon >= DATEADD(DAY, -30, DATETIMEUTCNOW()))"
    created.update({"r-0-when": "now", "r-0-prev_when": "now"})
    response = signed_in.post(NEW, profile_data(action="update", **created), **HX)
    assert text_of(response) == "PROFILE(contact).FILTER(createdon >= DATETIMEUTCNOW())"


def test_an_age_is_datediff_counted_to_now(signed_in, demo):
    row = {"r-0-kind": "clause", "r-0-field": "birthdate", "r-0-op": ">=", "r-0-when": "since",
           "r-0-prev_when": "since", "r-0-unit": "YEAR", "r-0-value": "18"}
    response = signed_in.post(NEW, profile_data(action="update", **row), **HX)
    assert text_of(response) == "PROFILE(contact).FILTER(DATEDIFF(YEAR, birthdate, DATETIMEUTCNOW()) >= 18)"
    assertContains(response, option("&gt;=", "is at least", True), html=True)
    assertContains(response, option("YEAR", "years", True), html=True)
    response = signed_in.post(NEW, profile_data(action="update", **{**row, "r-0-value": "eighteen"}), **HX)
    assertContains(response, '<p class="error" id="r-0-errors">enter how many, a whole number</p>', html=True)


def test_a_bad_value_is_named_on_its_row_and_the_text_keeps_the_last_query(signed_in, demo):
    row = {"r-0-kind": "clause", "r-0-field": "createdon", "r-0-op": ">", "r-0-value": "soon"}
    response = signed_in.post(NEW, profile_data(action="update", **row), **HX)
    assertContains(response, '<p class="error" id="r-0-errors">\'soon\' is not an ISO 8601 date and time, '
                             "e.g. '2026-01-01T00:00:00Z'</p>", html=True)
    assert response.context["editor"].node is None
    response = signed_in.post(NEW, profile_data(action="save", name="Broken", **row))
    assert response.status_code == 400 and not Segment.objects.filter(name="Broken").exists()


def test_a_custom_attribute_is_in_the_menu_by_its_display_name(signed_in, demo):
    CustomAttribute.objects.create(entity="contact", logical_name="cr3f1_loyaltytier", display_name="Loyalty tier",
                                   kind="integer")
    response = signed_in.post(NEW, profile_data(action="add_clause:r"), **HX)
    assertContains(response, option("cr3f1_loyaltytier", "Loyalty tier"), html=True)


def test_a_query_the_form_cannot_show_keeps_its_text_and_says_where_it_is_edited(signed_in, demo):
    text = "PROFILE(contact).FILTER(DATEDIFF(DAY, createdon, birthdate) >= 0)"
    response = signed_in.post(NEW, profile_data(action="text", query_text=text), **HX)
    assertContains(response, TEXT_ONLY)
    assertNotContains(response, 'name="r-op"')
    response = signed_in.post(NEW, {"profile": "1", "ptext": text, "action": "save", "name": "Adults",
                                    "query_text": "", "text_base": ""})
    assert response.status_code == 302 and Segment.objects.get(name="Adults").query == text


# --- inline in a compound query --------------------------------------------------------------------------

def compound_data(**fields):
    data = {"compound": "1", "c-0-kind": "segment", "c-0-join": "UNION", "c-0-name": "Spring", "query_text": "",
            "text_base": "", "name": "", "description": "", "version": ""}
    data.update(fields)
    return data


@pytest.mark.parametrize("htmx", [True, False])
def test_a_profile_block_is_added_to_a_compound_query_and_edited_inline(signed_in, demo, htmx):
    segment_create(name="Spring", query_text="INTERACTION(EmailClicked, EmailClicked_ContactLink).HAVING(COUNT() >= 1)")
    extra = HX if htmx else {}
    response = signed_in.post(NEW, compound_data(action="op_add:c:profile"), **extra)
    assertContains(response, '<input type="hidden" name="c-1-kind" value="profile">', html=True)
    assertContains(response, '<select id="c-1-entity" name="c-1-entity">' + option("contact", "Contacts", True)
                   + option("account", "Accounts and their contacts") + "</select>", html=True)
    block = {"c-1-kind": "profile", "c-1-join": "INTERSECT", "c-1-entity": "account", "c-1-prev_entity": "account",
             "c-1-r-op": "AND", "c-1-t-r-op": "AND"}
    response = signed_in.post(NEW, compound_data(action="add_clause:c-1-t-r", **block), **extra)
    assertContains(response, '<input type="hidden" name="c-1-t-r-0-kind" value="clause">', html=True)
    block.update({"c-1-t-r-0-kind": "clause", "c-1-t-r-0-field": "address1_city", "c-1-t-r-0-op": "==",
                  "c-1-t-r-0-value": "Oslo"})
    response = signed_in.post(NEW, compound_data(action="op_up:c-1", **block), **extra)
    assert text_of(response) == ("PROFILE(account).TRAVERSE(contact_account_parentcustomerid)"
                                 ".FILTER(address1_city == 'Oslo') INTERSECT SEGMENT(Spring)")
    # moved first, its rows take the names of its new place
    assertContains(response, '<input type="hidden" name="c-0-t-r-0-kind" value="clause">', html=True)


def test_a_text_only_profile_operand_travels_unchanged(signed_in, demo):
    text = "PROFILE(contact).FILTER(address1_city == 'Oslo').FILTER(jobtitle == 'CTO')"
    data = {"action": "save", "compound": "1", "name": "Oslo CTOs", "description": "", "version": "",
            "query_text": "", "text_base": "", "c-0-kind": "profile", "c-0-join": "UNION", "c-0-ptext": text}
    assert signed_in.post(NEW, data).status_code == 302
    assert Segment.objects.get(name="Oslo CTOs").query == text


def test_switching_the_entity_keeps_the_contact_rows_and_their_alias(signed_in, demo):
    text = "PROFILE(contact, contact_1).FILTER(contact_1.address1_city == 'Oslo')"
    data = profile_data(action="update", entity="account", alias="contact_1",
                        **{**CITY, "r-0-qual": "contact_1"})
    response = signed_in.post(NEW, data, **HX)
    assert text_of(response) == ("PROFILE(account).TRAVERSE(contact_account_parentcustomerid, contact_1)"
                                 ".FILTER(contact_1.address1_city == 'Oslo')")
    back = {**profile_data(action="update", entity="contact", prev_entity="account", **{"t-alias": "contact_1"}),
            **{f"t-{key}": value for key, value in {**CITY, "r-0-qual": "contact_1"}.items()}, "t-r-op": "AND"}
    assert text_of(signed_in.post(NEW, back, **HX)) == text


def test_a_posted_alias_that_names_nothing_is_refused_with_the_languages_message(signed_in, demo):
    data = profile_data(action="save", name="Aliased", **{**CITY, "r-0-qual": "x"})
    response = signed_in.post(NEW, data)
    assert response.status_code == 400 and not Segment.objects.filter(name="Aliased").exists()
    assertContains(response, '<p class="error" id="profile-errors">unknown alias \'x\'; this FILTER applies to '
                             "contact</p>", html=True, status_code=400)


@pytest.mark.parametrize(("row", "message"), [
    ({"r-0-field": "createdon", "r-0-op": ">", "r-0-when": "ago", "r-0-value": "-5"}, "enter how many, a whole number"),
    ({"r-0-field": "createdon", "r-0-op": ">", "r-0-when": "ago", "r-0-value": "99999999"},
     "DATEADD moves by a whole number up to 1000000, not -99999999"),
    ({"r-0-field": "birthdate", "r-0-op": "==", "r-0-when": "date", "r-0-value": "2026, 13, 1"},
     "DATE(2026, 13, 1) is not a date: month must be in 1..12"),
    ({"r-0-field": "birthdate", "r-0-op": "==", "r-0-when": "date", "r-0-value": "soon"},
     "DATE takes year, month, day[, hour, minute, second] as whole numbers"),
    ({"r-0-field": "numberofemployees", "r-0-op": ">", "r-0-value": "many"},
     "Contact has no attribute numberofemployees"),
    ({"r-0-field": "donotemail", "r-0-op": "==", "r-0-value": "maybe"}, "choose yes or no"),
])
def test_a_hand_made_bad_row_gets_a_clear_error_and_nothing_is_saved(signed_in, demo, row, message):
    response = signed_in.post(NEW, profile_data(action="save", name="Bad", **{"r-0-kind": "clause", **row}))
    assert response.status_code == 400 and not Segment.objects.filter(name="Bad").exists()
    assertContains(response, f'<p class="error" id="r-0-errors">{message}</p>', html=True, status_code=400)
