"""The scales section of `manage.py benchmark`: the segments section run on each of several databases seeded at
different sizes (one `benchmark --sections segments --results-json` subprocess each, its output streamed), then
one table per measure, the shapes down and the scales across, with each cost's growth from the smallest scale
to the largest beside the data's own growth. A flat refresh (growth near 1x) is the goal. It prints; it asserts
nothing."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from django.conf import settings
from django.core.management.base import CommandError

from interactions.catalog import INTERACTION_TYPES

from .measure import scalar, shown

MISSING = "missing"  # the scale's results have no such shape (or figure)


def _time(figures: dict | None, key: str) -> str:
    return MISSING if figures is None else shown(figures.get(key, MISSING))


def _ratio(figures: dict | None, key: str) -> str:
    value = MISSING if figures is None else figures.get(key, MISSING)
    return f"{value:.2f}" if isinstance(value, int | float) else shown(value)


def _refresh(figures: dict | None, key: str) -> str:
    text = _time(figures, key)
    if figures is not None and figures.get("refresh_mode", "incremental") != "incremental":
        text += f" {figures['refresh_mode']}"
    if figures is not None and figures.get("refresh_check", "ok") != "ok":
        text += f" {figures['refresh_check']}"
    return text


# (title, the shape's key, how one scale's figure shows, whether its growth is shown)
MEASURES = (
    ("first evaluation (members and change log written)", "first_eval", _time, True),
    ("first evaluation / the best hand-written SQL writing the same members and change log", "ratio", _ratio, False),
    ("refresh after the new interactions, an hour later ('full': not incremental)", "refresh", _refresh, True),
    ("the designer's estimate", "estimate", _time, True),
    ("the designer's per-clause counts", "per_clause", _time, True),
)


def scale_label(interactions: int) -> str:
    """A scale's column label from its interaction count: 200k, 1.0M, 10M, 100M."""
    for unit, suffix in ((10**9, "B"), (10**6, "M"), (10**3, "k")):
        if interactions >= unit:
            value = interactions / unit
            return f"{value:.1f}{suffix}" if value < 10 else f"{value:.0f}{suffix}"
    return str(interactions)


def _growth(first, last) -> str:
    if isinstance(first, int | float) and isinstance(last, int | float) and first > 0:
        return f"{last / first:,.1f}x"
    return "-"


def combined_tables(scales: list[dict]) -> list[str]:
    """The lines of one table per measure from the scales' results ({database, contacts, interactions, shapes}):
    rows the shapes, columns the scales from smallest to largest, then the growth largest / smallest."""
    scales = sorted(scales, key=lambda scale: scale["interactions"])
    labels = [scale_label(scale["interactions"]) for scale in scales]
    lines = [f"  {label:>6} = {scale['database']}: {scale['contacts']:,} contacts, {scale['interactions']:,} "
             "interactions" for label, scale in zip(labels, scales, strict=True)]
    growing = len(scales) > 1
    if growing:
        lines.append(f"  growth: the largest scale's figure / the smallest's; the data grows "
                     f"{scales[-1]['interactions'] / scales[0]['interactions']:,.1f}x ({labels[-1]} / {labels[0]})")
    shapes = list(dict.fromkeys(shape for scale in scales for shape in scale["shapes"]))
    tables = []
    for title, key, cell, grows in MEASURES:
        rows = [["shape", *labels, *(["growth"] if growing and grows else [])]]
        for shape in shapes:
            figures = [scale["shapes"].get(shape) for scale in scales]
            row = [shape, *(cell(f, key) for f in figures)]
            if growing and grows:
                row.append(_growth((figures[0] or {}).get(key), (figures[-1] or {}).get(key)))
            rows.append(row)
        tables.append((title, rows))
    # One width per column across the tables, so that a scale's figures line up from one table to the next.
    widths = [max(len(row[i]) for _, rows in tables for row in rows if i < len(row))
              for i in range(max(len(rows[0]) for _, rows in tables))]
    for title, rows in tables:
        lines += ["", f"  {title}"]
        lines += ["  " + "  ".join([f"{row[0]:<{widths[0]}}", *(f"{text:>{width}}" for text, width
                                                               in zip(row[1:], widths[1:], strict=False))])
                  for row in rows]
    lines += ["", "  '-': no such figure (the compound shape has no hand-written best, estimate or per-clause "
              "counts; per-clause counts need a FILTER)", "  'missing': that scale's results lack the shape"]
    return lines


def database_url(database: str, base: str) -> str:
    """A postgres:// URL as given, or a database name on `base`'s server with `base`'s user and password."""
    if "://" in database:
        return database
    parts = urlsplit(base)
    if not parts.scheme.startswith("postgres"):
        raise CommandError(f"{database!r}: a bare database name needs DATABASE_URL to be a postgres:// URL "
                           "(or give full URLs)", returncode=2)
    return urlunsplit(parts._replace(path=f"/{database}"))


def write_results(path, *, database: str, contacts: int, shapes: dict) -> None:
    """The segments section's figures as JSON, with the size of the data they were measured on."""
    interactions = sum(scalar(f"SELECT COUNT(*) FROM {itype.table}") for itype in INTERACTION_TYPES)
    Path(path).write_text(json.dumps({"database": database, "contacts": contacts, "interactions": interactions,
                                      "shapes": shapes}, indent=1), encoding="utf-8")


def _segments_run(url: str, results: Path, *, repeat: int, refresh_rows: int, write) -> int:
    """Run the segments section on `url` in a process of its own, its output streamed to `write`."""
    command = [sys.executable, str(settings.BASE_DIR / "manage.py"), "benchmark", "--sections", "segments",
               "--results-json", str(results), "--repeat", str(repeat), "--refresh-rows", str(refresh_rows)]
    env = {**os.environ, "DATABASE_URL": url, "PYTHONUNBUFFERED": "1"}  # lines as they come, not at the end
    with subprocess.Popen(command, env=env, stdout=subprocess.PIPE, text=True) as process:
        for line in process.stdout:
            write(line.rstrip("\n"))
    return process.returncode


def benchmark_scales(databases: list[str], *, repeat: int, refresh_rows: int, out) -> None:
    if not databases:
        raise CommandError("the scales section needs --scale-databases NAME1,NAME2,...", returncode=2)
    urls = [database_url(database, os.environ.get("DATABASE_URL", "")) for database in databases]
    out.write(f"== scales: the segments section on {len(databases)} databases, one run each (best of {repeat}, "
              f"refresh after {refresh_rows:,} new interactions)\n")
    results, failed = [], []
    with tempfile.TemporaryDirectory() as folder:
        for index, (database, url) in enumerate(zip(databases, urls, strict=True)):
            out.write(f"-- scale {index + 1} of {len(databases)}: {database}")
            path = Path(folder) / f"{index}.json"
            code = _segments_run(url, path, repeat=repeat, refresh_rows=refresh_rows, write=out.write)
            if code == 0:
                results.append(json.loads(path.read_text(encoding="utf-8")))
            else:
                failed.append(database)
                out.write(f"-- {database}: the run failed (exit status {code}); it is left out of the tables\n")
    out.write(f"== scales: the segments section's figures side by side, smallest scale first (best of {repeat}, "
              f"refresh after {refresh_rows:,} new interactions)")
    for line in combined_tables(results) if results else ["  no scale's run succeeded"]:
        out.write(line)
    out.write("")
    if failed:
        raise CommandError(f"the segments section failed on {', '.join(failed)}")
