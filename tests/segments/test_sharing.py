"""Sharing: export definitions, import them elsewhere by name, conflicts, all-or-nothing; and the command."""

import io
import json

import pytest
from django.core.management import CommandError, call_command

from segments.models import Segment
from segments.services import segment_create, segment_go_live
from segments.sharing import FORMAT, SharingError, export_segments, import_segments

pytestmark = pytest.mark.django_db

OPENED = "INTERACTION(EmailOpened, EmailOpened_ContactLink).HAVING(COUNT() >= 1)"
CLICKED = "INTERACTION(EmailClicked, EmailClicked_ContactLink).HAVING(COUNT() >= 1)"


def document(*segments):
    return {"format": FORMAT, "version": 1,
            "segments": [{"name": n, "description": f"about {n}", "query": q} for n, q in segments]}


def names():
    return sorted(Segment.objects.values_list("name", flat=True))


# Export ---------------------------------------------------------------------------------------------------------

def test_export_lists_definitions_in_dependency_order():
    segment_create(name="z openers", query_text=OPENED, description="opened")
    segment_create(name="a both", query_text="SEGMENT('z openers')")
    data = export_segments(segments=Segment.objects.all())
    assert (data["format"], data["version"]) == (FORMAT, 1) and data["exported_at"]
    assert data["segments"] == [
        {"name": "z openers", "description": "opened", "kind": "behavioral", "query": OPENED},
        {"name": "a both", "description": "", "kind": "compound", "query": "SEGMENT('z openers')"},
    ]
    json.dumps(data)  # a plain JSON document


def test_export_with_dependencies_adds_what_the_segments_use():
    segment_create(name="Openers", query_text=OPENED)
    segment_create(name="Clickers", query_text=CLICKED)
    segment_create(name="Either", query_text="SEGMENT(Openers) UNION SEGMENT(Clickers)")
    top = Segment.objects.filter(name="Either")
    assert [s["name"] for s in export_segments(segments=top)["segments"]] == ["Either"]
    assert [s["name"] for s in export_segments(segments=top, with_dependencies=True)["segments"]] == [
        "Clickers", "Openers", "Either"]


# Import ---------------------------------------------------------------------------------------------------------

def test_import_creates_drafts_in_dependency_order_and_resolves_references_by_name(django_user_model):
    user = django_user_model.objects.create_user("mary")
    segment_create(name="Here already", query_text=CLICKED)
    data = document(("Either", "SEGMENT(Openers) UNION SEGMENT('Here already')"), ("Openers", OPENED))
    report = import_segments(data=data, user=user)
    assert report.ok and report.written
    assert report.created == ["Openers", "Either"]
    either = Segment.objects.get(name="Either")
    assert (either.state, either.kind, either.owner, either.description) == ("draft", "compound", user, "about Either")
    assert either.uses_segments == ["Openers", "Here already"]


def test_a_round_trip_through_export_reproduces_the_definitions():
    segment_create(name="Openers", query_text=OPENED, description="d")
    segment_create(name="Both", query_text="SEGMENT(Openers) EXCEPT SEGMENT(Openers)")
    data = json.loads(json.dumps(export_segments(segments=Segment.objects.all())))
    before = sorted(Segment.objects.values_list("name", "description", "kind", "query"))
    Segment.objects.all().delete()
    assert import_segments(data=data).ok
    assert sorted(Segment.objects.values_list("name", "description", "kind", "query")) == before


def test_by_default_existing_names_are_reported_and_skipped():
    existing = segment_create(name="Openers", query_text=CLICKED)
    report = import_segments(data=document(("Openers", OPENED), ("New", "SEGMENT(Openers)")))
    assert report.ok and report.skipped == ["Openers"] and report.created == ["New"]
    assert Segment.objects.get(pk=existing.pk).query == CLICKED  # untouched; New uses the installed one


def test_rename_imports_under_a_free_name_and_rewrites_the_references():
    segment_create(name="Openers", query_text=CLICKED)
    segment_create(name="Openers (imported)", query_text=CLICKED)
    report = import_segments(data=document(("Openers", OPENED), ("New", "SEGMENT(Openers)")), on_conflict="rename")
    assert report.ok and report.renamed == {"Openers": "Openers (imported 2)"}
    assert report.created == ["Openers (imported 2)", "New"]
    assert Segment.objects.get(name="Openers (imported 2)").query == OPENED
    assert Segment.objects.get(name="New").query == "SEGMENT('Openers (imported 2)')"


def test_replace_updates_the_existing_definition_as_a_new_version(django_capture_on_commit_callbacks):
    existing = segment_create(name="Openers", query_text=CLICKED)
    with django_capture_on_commit_callbacks(execute=True):
        segment_go_live(segment=existing)
    report = import_segments(data=document(("Openers", OPENED)), on_conflict="replace")
    assert report.ok and report.replaced == ["Openers"] and report.created == []
    existing.refresh_from_db()
    assert (existing.query, existing.version, existing.state, existing.description) == (
        OPENED, 2, "live", "about Openers")


def test_references_to_segments_nowhere_are_reported_and_nothing_is_written():
    report = import_segments(data=document(("Good", OPENED), ("Bad", "SEGMENT(Nowhere) UNION SEGMENT(Good)")))
    assert not report.ok and not report.written
    assert report.missing_references == {"Bad": ["Nowhere"]}
    assert report.errors[0]["name"] == "Bad" and "'Nowhere'" in report.errors[0]["message"]
    assert report.created == ["Good"]  # what would have been created
    assert names() == []


def test_an_invalid_query_is_reported_with_its_position_and_its_users_fail_too():
    report = import_segments(data=document(("Bad", "INTERACTION(EmailOpend, EmailOpend_ContactLink)"
                                                   ".HAVING(COUNT() >= 1)"), ("Uses bad", "SEGMENT(Bad)")),
                             partial=True)
    assert [(e["name"], e["line"], e["column"]) for e in report.errors] == [("Bad", 1, 13), ("Uses bad", None, None)]
    assert "could not be imported" in report.errors[1]["message"]
    assert names() == []


def test_partial_imports_what_it_can():
    report = import_segments(data=document(("Good", OPENED), ("Bad", "SEGMENT(Nowhere)")), partial=True)
    assert not report.ok and report.written and report.created == ["Good"]
    assert names() == ["Good"]


def test_a_cycle_in_the_file_is_reported():
    report = import_segments(data=document(("A", "SEGMENT(B)"), ("B", "SEGMENT(A)"), ("C", OPENED)))
    assert {e["name"] for e in report.errors} == {"A", "B"} and "cycle" in report.errors[0]["message"]
    assert names() == []


def test_a_dry_run_reports_and_writes_nothing():
    segment_create(name="Openers", query_text=CLICKED)
    report = import_segments(data=document(("Openers", OPENED), ("New", OPENED)), on_conflict="replace",
                             dry_run=True)
    assert report.ok and not report.written and report.replaced == ["Openers"] and report.created == ["New"]
    assert names() == ["Openers"] and Segment.objects.get().query == CLICKED


@pytest.mark.parametrize(("data", "message"), [
    ([], "not a segment export"),
    ({"format": "other", "version": 1, "segments": []}, "not a segment export"),
    ({"format": FORMAT, "version": 2, "segments": []}, "format version 2"),
    ({"format": FORMAT, "segments": []}, "no valid format"),
    ({"format": FORMAT, "version": 1}, "no \"segments\" list"),
    ({"format": FORMAT, "version": 1, "segments": ["x"]}, "segments[0] is not an object"),
    ({"format": FORMAT, "version": 1, "segments": [{"query": OPENED}]}, "segments[0] has no name"),
    ({"format": FORMAT, "version": 1, "segments": [{"name": "a"}]}, "has no query text"),
    ({"format": FORMAT, "version": 1, "segments": [{"name": "a", "query": OPENED}] * 2}, "lists 'a' twice"),
    ({"format": FORMAT, "version": 1, "segments": [{"name": "a\x00", "query": OPENED}]}, "cannot be stored"),
])
def test_a_malformed_document_is_refused_whole(data, message):
    with pytest.raises(SharingError, match=message.replace("[", r"\[").replace("]", r"\]")):
        import_segments(data=data)


def test_an_unknown_conflict_policy_is_refused():
    with pytest.raises(SharingError, match="unknown conflict policy"):
        import_segments(data=document(), on_conflict="merge")


# The command ----------------------------------------------------------------------------------------------------

def run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("segments_share", *args, stdout=out, stderr=err)
    return out.getvalue()


def test_the_command_exports_to_a_file_and_imports_it(tmp_path):
    segment_create(name="Openers", query_text=OPENED)
    segment_create(name="Both", query_text="SEGMENT(Openers)")
    path = tmp_path / "segments.json"
    run("export", "Both", "Openers", "-o", str(path))
    data = json.loads(path.read_text())
    assert [s["name"] for s in data["segments"]] == ["Openers", "Both"]
    assert json.loads(run("export", "--all")) | {"exported_at": None} == data | {"exported_at": None}

    out = run("import", str(path), "--on-conflict", "rename", "--dry-run")
    assert "2 would be imported under a new name" in out and "dry run: nothing was written" in out
    assert names() == ["Both", "Openers"]
    Segment.objects.all().delete()
    out = run("import", str(path))
    assert "2 were created: Openers, Both" in out
    out = run("import", str(path))
    assert "2 skipped, the name exists here already: Openers, Both" in out


@pytest.mark.parametrize(("args", "content", "message"), [
    (["export"], None, "name the segments to export"),
    (["export", "Nope"], None, "no segment named 'Nope'"),
    (["import", "{path}"], "not json", "not valid JSON"),
    (["import", "{path}"], '{"format": "x"}', "not a segment export"),
    (["import", "{dir}/missing.json"], None, "No such file"),
    (["import", "{path}"], json.dumps(document(("Bad", "SEGMENT(Nowhere)"))), "1 error(s); nothing was imported"),
])
def test_the_command_exits_2_on_bad_input(tmp_path, args, content, message):
    path = tmp_path / "in.json"
    if content is not None:
        path.write_text(content)
    args = [a.format(path=path, dir=tmp_path) for a in args]
    with pytest.raises(CommandError, match=message.replace("(", r"\(").replace(")", r"\)")) as raised:
        run(*args)
    assert raised.value.returncode == 2
    assert names() == []
