"""seed_demo: deterministic, realistic demo data, written all-or-nothing on PostgreSQL and SQLite."""

import uuid
from collections import Counter
from datetime import UTC, datetime, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from interactions.catalog import INTERACTION_TYPES, FieldKind
from interactions.demo.generator import DemoData
from interactions.demo.loader import write_demo
from interactions.models import INTERACTION_MODELS, RECORD_MODELS, Contact

ANCHOR = datetime(2026, 5, 4, 10, tzinfo=UTC)


def _data(seed=7, contacts=300, interactions=12_000, anchor=ANCHOR):
    return DemoData(contacts=contacts, interactions=interactions, seed=seed, anchor=anchor)


def _snapshot(data):
    return data.records(), list(data.contacts()), list(data.interactions())


def test_same_seed_and_anchor_give_identical_data():
    assert _snapshot(_data()) == _snapshot(_data())


def test_other_seed_gives_other_data():
    a, b = _data(seed=1), _data(seed=2)
    assert list(a.contacts()) != list(b.contacts())
    assert list(a.interactions())[:100] != list(b.interactions())[:100]


def test_exact_count_and_all_types():
    rows = list(_data().interactions())
    assert len(rows) == 12_000
    counts = Counter(name for name, _ in rows)
    rare = {"EmailForwarded", "EmailFeedbackLoop"}  # a few per 10,000 sends
    assert {t.name for t in INTERACTION_TYPES} - rare <= set(counts)


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


def _assert_stored(using, data):
    assert Contact.objects.using(using).count() == data.contact_count
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
