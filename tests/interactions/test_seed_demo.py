"""seed_demo: deterministic, realistic demo data, written all-or-nothing on PostgreSQL and SQLite."""

import uuid
from collections import Counter
from datetime import UTC, datetime, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from interactions.catalog import ACCOUNT, CONTACT, INTERACTION_TYPES, FieldKind
from interactions.demo.generator import DemoData
from interactions.demo.loader import write_demo
from interactions.demo.profiles import ACCOUNT_COLUMNS, CONTACT_COLUMNS, DemoProfiles, account_count
from interactions.demo.vocabulary import DECISION_MAKER_WORDS
from interactions.models import INTERACTION_MODELS, RECORD_MODELS, Account, Contact

ANCHOR = datetime(2026, 5, 4, 10, tzinfo=UTC)


def _data(seed=7, contacts=300, interactions=12_000, anchor=ANCHOR):
    return DemoData(contacts=contacts, interactions=interactions, seed=seed, anchor=anchor)


def _snapshot(data):
    profiles = DemoProfiles(data)
    return (data.records(), list(data.contacts()), list(data.interactions()), list(profiles.accounts()),
            list(profiles.contacts()))


def test_same_seed_and_anchor_give_identical_data():
    assert _snapshot(_data()) == _snapshot(_data())


def test_other_seed_gives_other_data():
    a, b = _data(seed=1), _data(seed=2)
    assert list(a.contacts()) != list(b.contacts())
    assert list(DemoProfiles(a).accounts()) != list(DemoProfiles(b).accounts())
    assert list(a.interactions())[:100] != list(b.interactions())[:100]


def test_exact_count_and_all_types():
    rows = list(_data().interactions())
    assert len(rows) == 12_000
    counts = Counter(name for name, _ in rows)
    rare = {"EmailForwarded", "EmailFeedbackLoop"}  # a few per 10,000 sends
    assert {t.name for t in INTERACTION_TYPES} - rare <= set(counts)


def test_rows_come_in_timestamp_order_as_a_live_system_stores_them():
    """Episodes start day by day, but an open or a check-in comes hours or weeks after its send or
    registration; the rows still leave in timestamp order (a table's BRIN on the timestamp stays tight)."""
    stamps = [row[2] for _, row in _data(interactions=20_000).interactions()]
    assert len(stamps) == 20_000 and stamps == sorted(stamps)
    assert len(set(stamps[:1000])) > 900  # of many episodes, not one


def test_copy_text_rows_match_plain_rows():
    data = _data(interactions=5_000)
    plain, text = list(data.interactions()), list(data.interactions(text=True))
    assert [(n, "\t".join("\\N" if v is None else str(v) for v in r)) for n, r in plain] == text


def test_rows_are_well_formed_and_within_the_window():
    data = _data()
    records = {name: {rid for rid, _ in rows} for name, rows in data.records().items()}
    contacts = {c[0] for c in data.contacts()}
    start, end = ANCHOR - timedelta(days=730), ANCHOR
    by_type = {t.name: t for t in INTERACTION_TYPES}
    ids = set()
    for name, row in data.interactions():
        fields = by_type[name].all_fields
        assert len(row) == len(fields)
        iid, cid, ts = row[:3]
        assert uuid.UUID(iid).version == 4 and iid not in ids
        ids.add(iid)
        assert cid in contacts
        moment = datetime.fromisoformat(ts).replace(tzinfo=UTC)
        assert start <= moment < end
        for f, value in zip(fields[3:], row[3:], strict=True):
            if value is None:
                continue
            if f.record is not None:
                assert value in records[f.record.name], (name, f.name)
            elif f.kind is FieldKind.NUMBER or f.kind is FieldKind.INTEGER:
                assert isinstance(value, int)
            else:
                assert isinstance(value, str) and "\t" not in value and "\n" not in value and "\\" not in value
    names = [n for rows in data.records().values() for _, n in rows]
    assert any(n.startswith("Spring Product Launch") for n in names)
    assert any(n.startswith("Webinar: Data-driven Marketing") for n in names)


def test_email_funnel_and_missing_values():
    rows = list(_data(contacts=500, interactions=30_000).interactions())
    counts = Counter(name for name, _ in rows)
    assert counts["EmailSent"] > counts["EmailDelivered"] > counts["EmailOpened"] > counts["EmailClicked"] > 0
    assert 0.94 < counts["EmailDelivered"] / counts["EmailSent"] < 0.99
    assert counts["EmailHardBounced"] and counts["EmailSoftBounced"]
    assert counts["EventRegistration"] > counts["EventCheckIn"] > 0
    # Each send's funnel keeps its journey and email.
    sent = {}
    for name, row in rows:
        if name == "EmailSent":
            sent[(row[1], row[3], row[6])] = row[2]  # contact, CustomerJourneyId, MessageId -> first send
    clicked = [row for name, row in rows if name == "EmailClicked"]
    assert all((r[1], r[3], r[6]) in sent for r in clicked)
    assert any("pricing" in r[-1] for r in clicked)
    opened = INTERACTION_TYPES[[t.name for t in INTERACTION_TYPES].index("EmailOpened")]
    city = [f.name for f in opened.all_fields].index("City")
    cities = [row[city] for name, row in rows if name == "EmailOpened"]
    assert None in cities and sum(c is not None for c in cities) > len(cities) / 2


def test_activity_is_skewed_and_follows_the_week():
    rows = list(_data(contacts=1000, interactions=40_000).interactions())
    per_contact = sorted(Counter(row[1] for _, row in rows).values(), reverse=True)
    assert sum(per_contact[:100]) > 0.35 * len(rows)  # the top 10% of 1,000 contacts
    weekdays = Counter(datetime.fromisoformat(row[2]).weekday() for _, row in rows)
    assert weekdays[1] > 2 * weekdays[6]


def _profiles(contacts=4_000, seed=7):
    data = _data(seed=seed, contacts=contacts, interactions=0)
    profiles = DemoProfiles(data)
    accounts = [dict(zip(ACCOUNT_COLUMNS, row, strict=True)) for row in profiles.accounts()]
    people = [dict(zip(CONTACT_COLUMNS, row, strict=True)) for row in profiles.contacts()]
    return data, accounts, people


def test_profiles_are_the_generators_contacts_with_attributes():
    data, accounts, people = _profiles(contacts=500)
    assert [(p["contact_id"], p["fullname"], p["emailaddress1"], p["createdon"]) for p in people] == list(
        data.contacts())
    assert all(f"{p['firstname']} {p['lastname']}" == p["fullname"] for p in people)
    # Every column is a catalog attribute (the contact's id under its column name).
    assert {a.column for a in CONTACT.attributes} >= set(CONTACT_COLUMNS)
    assert {a.column for a in ACCOUNT.attributes} >= set(ACCOUNT_COLUMNS)


def test_cities_are_skewed_with_a_long_tail_and_oslo_among_the_big_ones():
    _, _, people = _profiles()
    cities = Counter(p["address1_city"] for p in people if p["address1_city"])
    ranked = [n for _, n in cities.most_common()]
    median = ranked[len(ranked) // 2]
    assert len(cities) >= 30  # a long tail
    assert ranked[0] > 8 * median and sum(ranked[:5]) > 0.3 * sum(ranked)  # a few big cities dominate
    assert "Oslo" in [city for city, _ in cities.most_common(5)]
    countries = Counter(p["address1_country"] for p in people)
    assert countries[None] and countries["Norway"] > countries["Finland"] > 0
    oslo = [p for p in people if p["address1_city"] == "Oslo"]
    assert {p["address1_country"] for p in oslo} == {"Norway"} and {p["address1_stateorprovince"] for p in oslo} == {
        None}
    postal = [p["address1_postalcode"] for p in oslo if p["address1_postalcode"]]
    assert postal and all(len(code) == 4 and code.isdigit() and code[0] == "0" for code in postal)
    assert any(p["address1_stateorprovince"] == "NY" for p in people if p["address1_city"] == "New York")


def test_contacts_belong_to_accounts_of_skewed_sizes():
    data, accounts, people = _profiles()
    assert len(accounts) == account_count(data.contact_count) and account_count(1_000_000) == 4_000
    ids = {a["accountid"] for a in accounts}
    assert len(ids) == len(accounts) and len({a["name"] for a in accounts}) == len(accounts)
    companies = [p["parentcustomerid"] for p in people]
    assert set(companies) - {None} <= ids
    assert 0.75 < sum(c is not None for c in companies) / len(people) < 0.95  # most contacts have one
    sizes = sorted(a["numberofemployees"] for a in accounts)
    assert sizes[-1] > 20 * sizes[len(sizes) // 2] and any(n > 500 for n in sizes) and sizes[0] >= 1
    industries = {number for number, _ in ACCOUNT.attribute("industrycode").choices}
    assert {a["industrycode"] for a in accounts} <= industries and len({a["industrycode"] for a in accounts}) > 10
    by_size = sorted(accounts, key=lambda a: a["numberofemployees"])
    per_account = Counter(companies)
    small, large = by_size[: len(by_size) // 2], by_size[-len(by_size) // 10:]
    assert (sum(per_account[a["accountid"]] for a in large) / len(large)
            > 2 * sum(per_account[a["accountid"]] for a in small) / len(small))


def test_titles_consent_and_dates_are_plausible():
    data, _, people = _profiles()
    titles = [p["jobtitle"] for p in people]
    deciders = sum(1 for t in titles if t and any(w in t for w in DECISION_MAKER_WORDS))
    assert 0.08 < deciders / len(people) < 0.3 and None in titles
    no_bulk = sum(p["donotbulkemail"] for p in people) / len(people)
    no_email = sum(p["donotemail"] for p in people) / len(people)
    assert 0 < no_email < no_bulk < 0.2
    assert all(p["donotbulkemail"] for p in people if p["donotemail"])
    assert {p["gendercode"] for p in people} == {1, 2, None}
    assert {p["preferredcontactmethodcode"] for p in people} == {1, 2, 3, 4, 5, None}
    ages = [(data.anchor.date() - datetime.fromisoformat(p["birthdate"]).date()).days / 365.25
            for p in people if p["birthdate"]]
    assert 0.5 < len(ages) / len(people) < 0.9 and 18 <= min(ages) and max(ages) < 77
    created = [datetime.fromisoformat(p["createdon"]).replace(tzinfo=UTC) for p in people]
    assert max(created) < data.window[0] and len({c.year for c in created}) >= 5  # spread over years


def _assert_stored(using, data):
    assert Contact.objects.using(using).count() == data.contact_count
    profiles = DemoProfiles(data)
    assert Account.objects.using(using).count() == len(list(profiles.accounts()))
    contacts = Contact.objects.using(using)
    assert not contacts.exclude(parentcustomerid=None).exclude(
        parentcustomerid__in=Account.objects.using(using).values("accountid")).exists()
    stored = {(str(c.contact_id.hex), c.address1_city, c.birthdate and c.birthdate.isoformat(), c.donotbulkemail,
               c.parentcustomerid_id and c.parentcustomerid_id.hex) for c in contacts}
    assert stored == {(p[0], p[8], p[12], p[15], p[17]) for p in profiles.contacts()}
    total = 0
    for itype in INTERACTION_TYPES:
        model = INTERACTION_MODELS[itype.name]
        qs = model.objects.using(using)
        total += qs.count()
        assert not qs.exclude(contact_id__in=Contact.objects.using(using).values("contact_id")).exists()
        for f in itype.fields:
            if f.record is not None:
                known = RECORD_MODELS[f.record.name].objects.using(using).values("id")
                assert not qs.exclude(**{f"{f.column}__isnull": True}).exclude(**{f"{f.column}__in": known}).exists()
    assert total == data.interaction_count
    start, end = data.window
    sent = INTERACTION_MODELS["EmailSent"].objects.using(using)
    assert sent.filter(timestamp__lt=start).count() == 0 and sent.filter(timestamp__gte=end).count() == 0


@pytest.mark.django_db
def test_command_seeds_an_empty_database():
    out = StringIO()
    call_command("seed_demo", contacts=200, interactions=5_000, seed=3, anchor=ANCHOR, no_progress=True, stdout=out)
    assert "Seeded 200 contacts" in out.getvalue() and "5,000 interactions" in out.getvalue()
    _assert_stored("default", _data(seed=3, contacts=200, interactions=5_000))
    survey = INTERACTION_MODELS["SurveyResponse"].objects.first()
    assert isinstance(survey.score, float) and 0 <= survey.score <= 10


@pytest.mark.django_db(databases=["default", "sqlite"])
def test_write_on_sqlite():
    data = _data(seed=4, contacts=150, interactions=3_000)
    result = write_demo(data, using="sqlite")
    assert result.interactions == 3_000 and result.contacts == 150
    _assert_stored("sqlite", data)


@pytest.mark.django_db
def test_if_empty_does_nothing_on_a_non_empty_database():
    Contact.objects.create(fullname="Ada Lovelace", emailaddress1="ada@example.com")
    out = StringIO()
    call_command("seed_demo", contacts=50, interactions=500, if_empty=True, stdout=out)
    assert "nothing seeded" in out.getvalue()
    assert Contact.objects.count() == 1
    assert not INTERACTION_MODELS["EmailSent"].objects.exists()


@pytest.mark.django_db
def test_refuses_a_non_empty_database_and_writes_nothing():
    RECORD_MODELS["CustomerJourney"].objects.create(name="Existing journey")
    with pytest.raises(CommandError) as excinfo:
        call_command("seed_demo", contacts=50, interactions=500, stdout=StringIO())
    assert excinfo.value.returncode == 2 and "--if-empty" in str(excinfo.value)
    assert not Contact.objects.exists()
    assert RECORD_MODELS["CustomerJourney"].objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_failure_leaves_nothing_written(monkeypatch):
    data = _data(seed=5, contacts=100, interactions=2_000)
    original = data.interactions

    def broken(text=False):
        for i, item in enumerate(original(text)):
            if i == 1_500:
                raise RuntimeError("generator broke")
            yield item

    monkeypatch.setattr(data, "interactions", broken)
    with pytest.raises(RuntimeError):
        write_demo(data, batch_rows=200)
    assert not Contact.objects.exists()
    assert not INTERACTION_MODELS["EmailSent"].objects.exists()


@pytest.mark.django_db
def test_an_account_alone_makes_the_database_not_empty():
    Account.objects.create(name="Contoso AS")
    with pytest.raises(CommandError) as excinfo:
        call_command("seed_demo", contacts=50, interactions=500, stdout=StringIO())
    assert "1 contacts, accounts and records" in str(excinfo.value)
    assert not Contact.objects.exists() and Account.objects.count() == 1
