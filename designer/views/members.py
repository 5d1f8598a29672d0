"""A segment's members (the page and the CSV download) and its evaluation history."""

from __future__ import annotations

from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import StreamingHttpResponse
from django.shortcuts import get_object_or_404, render

from segments.interactive import TooSlow, bounded_statements
from segments.models import EvaluationRun, Segment
from segments.roles import viewer_required
from segments.selectors import csv_lines, members_of

POLLING = (Segment.Status.QUEUED, Segment.Status.RUNNING)


@viewer_required
def segment_members(request, pk):
    segment = get_object_or_404(Segment, pk=pk)
    text = request.GET.get("q", "").strip()
    members = members_of(segments=[segment], search=text).select_related("contact")
    try:
        with bounded_statements(using=members.db, what="the search",
                                hint="search for a longer part of a name, or a whole email address"):
            page = Paginator(members, 50).get_page(request.GET.get("page"))
            page.object_list = list(page.object_list)
        too_slow = ""
    except TooSlow as exc:
        page, too_slow = None, str(exc)
    context = {"segment": segment, "page": page, "q": text, "tab": "members", "too_slow": too_slow,
               "query_string": urlencode({"q": text}) if text else "",
               "polling": segment.status in POLLING}
    if request.htmx and request.htmx.target == "members-table":
        return render(request, "designer/members.html#members-table", context)
    return render(request, "designer/members.html", context)


@viewer_required
def segment_members_csv(request, pk):
    segment = get_object_or_404(Segment, pk=pk)
    rows = (members_of(segments=[segment])
            .values_list("contact__contact_id", "contact__fullname", "contact__emailaddress1", "since"))
    lines = csv_lines(["ContactId", "FullName", "Email", "MemberSince"],
                      ((contact_id, fullname, email, since.isoformat())
                       for contact_id, fullname, email, since in rows.iterator(chunk_size=2000)))
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    filename = "".join(c if c.isalnum() or c in "-_" else "-" for c in segment.name) or "segment"
    response["Content-Disposition"] = f'attachment; filename="{filename}-members.csv"'
    return response


@viewer_required
def segment_history(request, pk):
    segment = get_object_or_404(Segment, pk=pk)
    runs = list(EvaluationRun.objects.filter(segment=segment).order_by("-started")[:100])
    succeeded = list(EvaluationRun.objects.filter(segment=segment, status=EvaluationRun.Status.SUCCEEDED)
                     .order_by("-evaluated_at")[:200])[::-1]
    return render(request, "designer/history.html", {
        "segment": segment, "runs": runs, "chart": history_chart(succeeded), "tab": "history",
        "polling": segment.status in POLLING})


def history_chart(runs, width: int = 640, height: int = 200) -> dict | None:
    """An inline SVG line chart of membership size over time, from succeeded runs (oldest first): a value axis
    with round ticks and gridlines, the first and last time, and each run's value on hover (an SVG title)."""
    points = [(r.evaluated_at, r.members) for r in runs if r.members is not None]
    if not points:
        return None
    left, right, top_pad, bottom_pad = 56, 16, 16, 28
    t0, t1 = points[0][0].timestamp(), points[-1][0].timestamp()
    top = nice_top(max(m for _, m in points))
    span = t1 - t0
    inner_w, inner_h = width - left - right, height - top_pad - bottom_pad
    bottom = top_pad + inner_h

    def y_of(members):
        return round(bottom - inner_h * members / top, 1)

    def x_of(at):
        return round(left + (inner_w * (at.timestamp() - t0) / span if span else inner_w / 2), 1)

    dots = [{"x": x_of(at), "y": y_of(m), "at": at, "members": m} for at, m in points]
    # One run has no trend yet: its level is drawn across the chart, dashed, rather than a lone dot.
    line = ([(left, dots[0]["y"]), (width - right, dots[0]["y"])] if len(dots) == 1
            else [(d["x"], d["y"]) for d in dots])
    return {
        "width": width, "height": height, "left": left, "right": width - right, "top_pad": top_pad,
        "bottom": bottom, "single": len(dots) == 1,
        "ticks": [{"y": y_of(value), "value": value} for value in (0, top // 2, top)],
        "polyline": " ".join(f"{x},{y}" for x, y in line), "dots": dots,
        "top": top, "first": points[0][0], "last": points[-1][0], "runs": len(dots),
    }


def nice_top(value: int) -> int:
    """The smallest 2, 4 or 10 times a power of ten at or above `value`: round, and its half is whole."""
    magnitude = 1
    while True:
        for step in (2, 4, 10):
            if value <= step * magnitude:
                return step * magnitude
        magnitude *= 10
