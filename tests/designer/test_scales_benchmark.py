"""`benchmark --sections scales`: the segments section's figures from several databases side by side, one table
per measure (shapes down, scales across, smallest first) with each cost's growth from the smallest scale to the
largest; and `--results-json`, which those figures come from. (Figures are only printed; nothing here times
anything.)"""

import io
import json
import re

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from designer.management.scales_benchmark import combined_tables, database_url, scale_label
from interactions.demo.generator import DemoData
from interactions.demo.loader import write_demo
from segments.models import Membership, Segment


def shape(first_eval, refresh, *, estimate=0.02, per_clause=None, mode="incremental", check="ok", ratio=1.5):
    return {"first_eval": first_eval, "ratio": ratio, "refresh": refresh, "refresh_mode": mode,
            "refresh_check": check, "estimate": estimate, "per_clause": per_clause}


def scale(database, interactions, shapes):
    return {"database": database, "contacts": interactions // 10, "interactions": interactions, "shapes": shapes}


SMALL = scale("sd_small", 1_000_000, {"spec example": shape(0.05, 0.010, per_clause=0.03),
                                      "lifetime count": shape(0.2, 0.020),
                                      "compound": shape(0.1, 0.02, estimate=None, ratio=None)})
MIDDLE = scale("sd_middle", 10_000_000, {"spec example": shape(0.5, 0.011, per_clause="timed out"),
                                         "lifetime count": shape(2.0, 0.5, mode="full"),
                                         "compound": shape(1.0, 0.02, estimate=None, ratio=None)})
LARGE = scale("sd_large", 100_000_000, {"spec example": shape(5.0, 0.012, estimate="timed out",
                                                              per_clause="timed out"),
                                        "lifetime count": shape(20.0, 0.5, check="WRONG")})


def table(lines, title):
    """The rows of the table under the line that starts with `title`, each split into its cells."""
    start = next(i for i, line in enumerate(lines) if line.strip().startswith(title)) + 1
    rows = []
    for line in lines[start:]:
        if not line.strip():
            break
        rows.append(re.split(r"\s{2,}", line.strip()))
    return rows


def by_shape(lines, title):
    """That table's figures per shape (its header row left out)."""
    return {row[0]: row[1:] for row in table(lines, title)[1:]}


def test_columns_are_the_scales_labelled_by_their_interaction_counts_smallest_first():
    lines = combined_tables([LARGE, SMALL, MIDDLE])
    assert table(lines, "first evaluation (")[0] == ["shape", "1.0M", "10M", "100M", "growth"]
    assert "1.0M = sd_small: 100,000 contacts, 1,000,000 interactions" in lines[0]
    assert any("the data grows 100.0x (100M / 1.0M)" in line for line in lines)


def test_scale_labels_round_to_the_unit_that_reads_best():
    assert [scale_label(n) for n in (950, 200_000, 1_000_000, 2_450_000, 10_000_000, 100_000_000,
                                     2_500_000_000)] == ["950", "200k", "1.0M", "2.5M", "10M", "100M", "2.5B"]


def test_growth_is_the_largest_scales_figure_over_the_smallests():
    lines = combined_tables([SMALL, MIDDLE, LARGE])
    first = by_shape(lines, "first evaluation (")
    assert first["spec example"] == ["50 ms", "500 ms", "5,000 ms", "100.0x"]
    assert first["lifetime count"] == ["200 ms", "2,000 ms", "20.0 s", "100.0x"]
    refresh = by_shape(lines, "refresh after")
    assert refresh["spec example"] == ["10 ms", "11 ms", "12 ms", "1.2x"]


def test_a_refresh_that_was_not_incremental_or_disagreed_says_so():
    refresh = by_shape(combined_tables([SMALL, MIDDLE, LARGE]), "refresh after")
    assert refresh["lifetime count"] == ["20 ms", "500 ms full", "500 ms WRONG", "25.0x"]


def test_timed_out_not_applicable_and_missing_figures_are_shown_as_such_and_have_no_growth():
    lines = combined_tables([SMALL, MIDDLE, LARGE])
    estimate = by_shape(lines, "the designer's estimate")
    assert estimate["spec example"] == ["20 ms", "20 ms", "timed out", "-"]
    assert estimate["compound"] == ["-", "-", "missing", "-"]
    per_clause = by_shape(lines, "the designer's per-clause")
    assert per_clause["spec example"] == ["30 ms", "timed out", "timed out", "-"]
    assert per_clause["lifetime count"] == ["-", "-", "-", "-"]


def test_the_ratio_to_the_best_sql_has_no_growth_column():
    ratio = table(combined_tables([SMALL, LARGE]), "first evaluation / the best")
    assert ratio[0] == ["shape", "1.0M", "100M"]
    assert dict((row[0], row[1:]) for row in ratio[1:])["compound"] == ["-", "missing"]


def test_one_scale_has_no_growth():
    lines = combined_tables([SMALL])
    assert table(lines, "first evaluation (")[0] == ["shape", "1.0M"]
    assert not any("grows" in line for line in lines)


def test_the_tables_fit_in_140_columns():
    assert max(map(len, combined_tables([SMALL, MIDDLE, LARGE]))) <= 140


def test_a_database_name_is_taken_on_the_server_of_database_url_and_a_url_as_given():
    base = "postgres://bench:secret@db.internal:6543/sd_bench1?sslmode=disable"
    assert database_url("sd_bench10", base) == "postgres://bench:secret@db.internal:6543/sd_bench10?sslmode=disable"
    assert database_url("postgres://other@127.0.0.1/x", base) == "postgres://other@127.0.0.1/x"
    with pytest.raises(CommandError, match="bare database name"):
        database_url("sd_bench10", "sqlite:///db.sqlite3")


@pytest.mark.django_db(transaction=True)
@pytest.mark.postgresql
def test_the_segments_section_writes_every_shapes_figures_as_json(tmp_path):
    write_demo(DemoData(contacts=600, interactions=8_000, seed=5))
    path = tmp_path / "results.json"
    out = io.StringIO()
    # Best of 2: each shape's first evaluation runs on two fresh segments, the first discarded.
    call_command("benchmark", "--sections", "segments", "--results-json", str(path), "--repeat", "2",
                 "--refresh-rows", "200", stdout=out)
    assert not Segment.objects.exists() and not Membership.objects.exists()
    results = json.loads(path.read_text(encoding="utf-8"))
    assert results["contacts"] == 600 and results["interactions"] == 8_000
    assert list(results["shapes"]) == ["spec example", "lifetime count", "lifetime, largest", "exactly N in a year",
                                       "restriction-heavy", "has-not", "compound"]
    for label, figures in results["shapes"].items():
        assert all(isinstance(figures[key], float) for key in ("first_eval", "refresh", "hand_sql", "compiled")), label
        assert isinstance(figures["members"], int) and figures["refresh_check"] == "ok", label
        if label != "compound":
            assert isinstance(figures["ratio"], float) and isinstance(figures["best_store_log"], float), label
            assert isinstance(figures["estimate"], float) or figures["estimate"] == "timed out", label
    filtered = results["shapes"]["spec example"]["per_clause"]
    assert isinstance(filtered, float) or filtered == "timed out"
    assert results["shapes"]["lifetime count"]["per_clause"] is None
    assert results["shapes"]["compound"]["best_sql_name"] is None
