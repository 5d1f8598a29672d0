"""The admin console's segments, for Administrators (staff in the Administrators group) and superusers only.

Segments change only through segments/services.py (the designer's own services): the admin shows the query
read-only with a link to the designer, and its actions (evaluate now, go live, stop, export members, delete)
call the services, which refuse what would break a segment in use. Runs, memberships and the membership
change log are read-only. Big tables (membership, its change log) never count all their rows.
"""

from django.contrib import admin, messages
from django.http import HttpResponseRedirect, StreamingHttpResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.text import Truncator

from segments.models import EvaluationRun, Membership, MembershipChange, Segment
from segments.selectors import csv_lines, members_of
from segments.services import (
    SegmentError,
    dependants,
    segment_delete,
    segment_go_live,
    segment_request_evaluation,
    segment_stop,
    segment_update,
)

from .paginator import LargeTablePaginator
from .permissions import AdministratorsOnly, GuidSearch, ReadOnly


def members_csv(segments) -> StreamingHttpResponse:
    rows = (members_of(segments=segments)
            .values_list("segment__name", "contact__contact_id", "contact__fullname", "contact__emailaddress1",
                         "since"))
    lines = csv_lines(["Segment", "ContactId", "FullName", "Email", "MemberSince"],
                      ((name, contact_id, fullname, email, since.isoformat())
                       for name, contact_id, fullname, email, since in rows.iterator(chunk_size=2000)))
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="segment-members.csv"'
    return response


@admin.register(Segment)
class SegmentAdmin(AdministratorsOnly, admin.ModelAdmin):
    list_display = ["name", "kind", "state", "member_count", "status", "last_evaluated_at", "failures",
                    "short_error", "updated", "owner"]
    list_filter = ["state", "kind", "status"]
    search_fields = ["name", "description"]
    date_hierarchy = "updated"
    list_select_related = ["owner"]
    ordering = ["name"]

    class Media:
        css = {"all": ["designer/console.css"]}  # a stylesheet, not a style attribute: the CSP refuses those
    show_full_result_count = False
    actions = ["evaluate_now", "evaluate_in_full", "go_live", "stop", "export_members_csv", "delete_segments"]
    fields = ["name", "designer_link", "description", "crm_id", "kind", "query_display", "state", "version", "owner",
              "created", "updated", "status", "member_count", "last_evaluated_at", "next_evaluation_at",
              "last_error", "failures", "evaluated_version", "reads_types", "uses_segments", "used_by"]
    readonly_fields = [f for f in fields if f not in ("description", "crm_id")]

    def has_add_permission(self, request):
        return False  # segments are made in the designer

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # deleting goes through segment_delete (delete_segments below)
        return actions

    @admin.display(description="Error")
    def short_error(self, obj):
        return Truncator(obj.last_error).chars(60)

    @admin.display(description="Query")
    def query_display(self, obj):
        return format_html('<pre class="query">{}</pre>'
                           '<a href="{}">Edit it in the designer</a>',
                           obj.query, reverse("segment-detail", args=[obj.pk]))

    @admin.display(description="Designer")
    def designer_link(self, obj):
        return format_html('<a href="{}">Open “{}” in the designer</a>', reverse("segment-detail", args=[obj.pk]),
                           obj.name)

    @admin.display(description="Used by")
    def used_by(self, obj):
        return ", ".join(s.name for s in dependants(obj)) or "–"

    def save_model(self, request, obj, form, change):
        # Only the description is editable here; it is saved through the service (version check included).
        current = Segment.objects.get(pk=obj.pk)
        segment_update(segment=current, version=current.version, description=obj.description)

    def delete_view(self, request, object_id, extra_context=None):
        segment = self.get_object(request, object_id)
        users = dependants(segment) if segment is not None else []
        if users:
            names = ", ".join(f"'{s.name}'" for s in users)
            self.message_user(request, f"'{segment.name}' cannot be deleted: {names} use it.", messages.ERROR)
            return HttpResponseRedirect(reverse("admin:segments_segment_change", args=[segment.pk]))
        return super().delete_view(request, object_id, extra_context)

    def delete_model(self, request, obj):
        segment_delete(segment=obj)

    def _each(self, request, queryset, service, done: str):
        succeeded, failed = [], []
        for segment in queryset:
            try:
                result = service(segment)
            except SegmentError as exc:
                failed.append(str(exc))
            else:
                if result is not False:
                    succeeded.append(segment.name)
        if succeeded:
            self.message_user(request, f"{done}: {', '.join(succeeded)}.", messages.SUCCESS)
        for message in failed:
            self.message_user(request, message, messages.ERROR)

    @admin.action(description="Evaluate now")
    def evaluate_now(self, request, queryset):
        self._each(request, queryset, lambda s: segment_request_evaluation(segment=s, reason="requested in the admin"),
                   "Evaluation queued")

    @admin.action(description="Evaluate now, in full (every contact, not only those with new interactions)")
    def evaluate_in_full(self, request, queryset):
        self._each(request, queryset, lambda s: segment_request_evaluation(segment=s, reason="requested in the admin",
                                                                           full=True), "Full evaluation queued")

    @admin.action(description="Go live")
    def go_live(self, request, queryset):
        self._each(request, queryset, lambda s: segment_go_live(segment=s), "Live")

    @admin.action(description="Stop")
    def stop(self, request, queryset):
        self._each(request, queryset, lambda s: segment_stop(segment=s), "Stopped")

    @admin.action(description="Export members as CSV")
    def export_members_csv(self, request, queryset):
        return members_csv(list(queryset))

    @admin.action(description="Delete (refused for segments in use)")
    def delete_segments(self, request, queryset):
        self._each(request, queryset, lambda s: segment_delete(segment=s), "Deleted")


@admin.register(EvaluationRun)
class EvaluationRunAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["started", "segment", "version", "mode", "status", "duration_ms", "members", "added", "removed",
                    "short_error"]
    list_filter = ["status", "mode"]
    search_fields = ["segment__name"]
    date_hierarchy = "started"
    list_select_related = ["segment"]
    show_full_result_count = False
    paginator = LargeTablePaginator

    @admin.display(description="Error")
    def short_error(self, obj):
        return Truncator(obj.error).chars(80)


@admin.register(Membership)
class MembershipAdmin(GuidSearch, ReadOnly, admin.ModelAdmin):
    """Millions of rows: filter by segment; no date hierarchy (nothing indexes `since` alone)."""

    list_display = ["contact", "contact_email", "segment", "since"]
    list_filter = ["segment"]
    search_fields = ["contact__emailaddress1"]
    guid_search_fields = ("contact_id",)
    list_select_related = ["segment", "contact"]
    show_full_result_count = False
    paginator = LargeTablePaginator

    @admin.display(description="Email", ordering="contact__emailaddress1")
    def contact_email(self, obj):
        return obj.contact.emailaddress1


@admin.register(MembershipChange)
class MembershipChangeAdmin(GuidSearch, ReadOnly, admin.ModelAdmin):
    list_display = ["at", "change", "contact", "segment", "run_id"]
    list_filter = ["change", "segment"]
    search_fields = ["contact__emailaddress1"]
    guid_search_fields = ("contact_id",)
    date_hierarchy = "at"
    list_select_related = ["segment", "contact"]
    show_full_result_count = False
    paginator = LargeTablePaginator
