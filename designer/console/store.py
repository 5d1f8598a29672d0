"""The admin console's contacts, records, interactions and API tokens (see site.py for who may use it).

Interaction tables hold millions of rows: lists never count a whole table (interactions.counts), filter ID fields
by the referenced records' names (from the small record tables, not a DISTINCT over the interactions), search
by GUID on indexed columns only, and load contacts in the same query. Browsing by date is a Timestamp filter
(today, past 7 days, this month, this year) that asks the database nothing to draw itself: Django's
date_hierarchy asks MIN/MAX and the distinct years of Timestamp, a whole-table scan (no index leads with
Timestamp), measured at 0.75 s on 2.85 million rows.
"""

from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.db.models import CharField, Value
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from interactions.catalog import CONTACT, FieldKind
from interactions.models import INTERACTION_MODELS, RECORD_MODELS, Account, ApiToken, Contact, CustomAttribute
from segments.models import Membership, MembershipChange
from segments.roles import can_issue_token
from segments.services import contacts_delete, interactions_arrived, interactions_changed_by_hand

from .paginator import LargeTablePaginator
from .permissions import AdministratorsOnly, GuidSearch, as_guid

RECENT = 10
RECORD_CHOICES = 50  # a record filter offers the first records by name; any other works by its ?column=<guid>


@admin.register(ApiToken)
class ApiTokenAdmin(AdministratorsOnly, admin.ModelAdmin):
    list_display = ["name", "user", "prefix", "is_active", "created", "last_used"]
    list_filter = ["is_active"]
    search_fields = ["name", "user__username", "prefix"]
    readonly_fields = ["prefix", "created", "last_used"]
    list_select_related = ["user"]
    date_hierarchy = "created"

    def get_readonly_fields(self, request, obj=None):
        # A token never changes hands: its key, known to whoever holds it, would then act as someone else.
        return [*self.readonly_fields, "user"] if obj is not None else self.readonly_fields

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "user" and not request.user.is_superuser:
            # Only superusers issue tokens for others (segments/roles.py: can_issue_token).
            kwargs["queryset"] = get_user_model().objects.filter(pk=request.user.pk)
            kwargs["initial"] = request.user.pk
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        if not change and not can_issue_token(request.user, obj.user):
            raise PermissionDenied("only superusers issue API tokens for other users than themselves")
        if change:
            super().save_model(request, obj, form, change)
            return
        token, key = ApiToken.issue(name=obj.name, user=obj.user)
        obj.pk = token.pk
        messages.warning(request, f"The key of '{token.name}' is {key} — copy it now, it is not shown again.")


def recent_interactions(contact_id, limit: int = RECENT) -> list[tuple[str, object, object]]:
    """(type, interaction_id, timestamp) of the contact's latest interactions across all types: one query, each
    part read from its (contact, timestamp) index (on SQLite, which cannot limit the parts, whole parts)."""
    parts = []
    for name, model in INTERACTION_MODELS.items():
        part = (model.objects.filter(contact_id=contact_id).annotate(kind=Value(name, output_field=CharField()))
                .values_list("kind", "interaction_id", "timestamp").order_by())
        if connection.features.supports_slicing_ordering_in_compound:
            part = part.order_by("-timestamp")[:limit]
        parts.append(part)
    first, *rest = parts
    return list(first.union(*rest, all=True).order_by("-timestamp")[:limit])


@admin.register(CustomAttribute)
class CustomAttributeAdmin(AdministratorsOnly, admin.ModelAdmin):
    """Declaring an attribute makes it importable and usable in profile queries; no schema change is needed."""

    list_display = ["logical_name", "display_name", "entity", "kind"]
    list_filter = ["entity", "kind"]
    search_fields = ["logical_name", "display_name"]


@admin.register(Account)
class AccountAdmin(GuidSearch, AdministratorsOnly, admin.ModelAdmin):
    list_display = ["name", "industrycode", "address1_city", "address1_country", "accountid"]
    search_fields = ["name"]
    guid_search_fields = ("accountid",)
    show_full_result_count = False
    paginator = LargeTablePaginator
    readonly_fields = ["createdon", "modifiedon"]


@admin.register(Contact)
class ContactAdmin(GuidSearch, AdministratorsOnly, admin.ModelAdmin):
    list_display = ["fullname", "emailaddress1", "address1_city", "contact_id", "createdon"]
    search_fields = ["fullname", "emailaddress1"]  # autocomplete_fields of the interaction admins search here too
    guid_search_fields = ("contact_id",)
    show_full_result_count = False
    paginator = LargeTablePaginator
    fieldsets = [(None, {"fields": ["contact_id", "fullname", "emailaddress1", "createdon", "modifiedon"]}),
                 ("Profile", {"fields": [a.name for a in CONTACT.attributes if a.name not in (
                     "contactid", "fullname", "emailaddress1", "createdon", "modifiedon")] + ["custom"]}),
                 (f"Latest {RECENT} interactions", {"fields": ["recent"]})]
    readonly_fields = ["createdon", "modifiedon", "recent"]
    raw_id_fields = ["parentcustomerid"]

    def get_readonly_fields(self, request, obj=None):
        return [*self.readonly_fields, "contact_id"] if obj is not None else self.readonly_fields

    def get_deleted_objects(self, objs, request):
        # A contact's memberships and change log are the engine's bookkeeping, never deleted by hand (read-only
        # here); contacts_delete removes them with the contact and keeps the segments' counts true.
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        bookkeeping = {str(m._meta.verbose_name) for m in (Membership, MembershipChange)}
        return deleted, counts, perms_needed - bookkeeping, protected

    def delete_model(self, request, obj):
        contacts_delete(contacts=Contact.objects.filter(pk=obj.pk))

    def delete_queryset(self, request, queryset):
        contacts_delete(contacts=queryset)

    @admin.display(description="Interactions")
    def recent(self, obj):
        if obj is None or obj.pk is None:
            return "–"
        rows = recent_interactions(obj.pk)
        if not rows:
            return "No interactions."
        body = format_html_join("", '<tr><td>{}</td><td>{}</td><td><a href="{}">{}</a></td></tr>', (
            (INTERACTION_MODELS[kind].catalog.display_name, timestamp.strftime("%Y-%m-%d %H:%M:%S"),
             reverse(f"admin:interactions_{INTERACTION_MODELS[kind]._meta.model_name}_change", args=[pk]), pk)
            for kind, pk, timestamp in rows))
        return format_html('<table class="recent-interactions"><thead><tr><th>Interaction</th><th>Timestamp</th>'
                           "<th>InteractionId</th></tr></thead><tbody>{}</tbody></table>", body)


class RecordAdmin(GuidSearch, AdministratorsOnly, admin.ModelAdmin):
    list_display = ["name", "id"]
    search_fields = ["name"]
    guid_search_fields = ("id",)
    show_full_result_count = False
    paginator = LargeTablePaginator


for _model in RECORD_MODELS.values():
    admin.site.register(_model, RecordAdmin)


def record_filter(fld):
    """A list filter on an ID field that offers the referenced records by name."""
    records = RECORD_MODELS[fld.record.name]

    class RecordFilter(admin.SimpleListFilter):
        title = f"{fld.name} ({fld.record.label})"
        parameter_name = fld.column

        def lookups(self, request, model_admin):
            return [(str(pk), name) for pk, name in records.objects.order_by("name").values_list("pk", "name")
                    [:RECORD_CHOICES]]

        def queryset(self, request, queryset):
            if self.value() is None:
                return queryset
            guid = as_guid(self.value())
            return queryset.filter(**{fld.column: guid}) if guid else queryset.none()

    RecordFilter.__name__ = f"{fld.name}Filter"
    return RecordFilter


class InteractionAdmin(GuidSearch, AdministratorsOnly, admin.ModelAdmin):
    """Deletes and edits here are invisible to incremental refreshes (they look for newly ingested rows), so each
    tells the segments that read the type (interactions_changed_by_hand: a full evaluation next)."""

    autocomplete_fields = ["contact"]
    list_select_related = ["contact"]
    show_full_result_count = False
    paginator = LargeTablePaginator
    search_help_text = "An InteractionId, a ContactId or another ID of the interaction."
    text_search = False
    readonly_fields = ["ingested_at"]

    def _changed(self):
        interactions_changed_by_hand(type_names=[self.model.catalog.name])

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change:
            self._changed()
        else:
            interactions_arrived(type_names=[self.model.catalog.name])

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        self._changed()

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            super().delete_queryset(request, queryset)
            self._changed()


def interaction_admin(model):
    guid_fields = [f for f in model.catalog.fields if f.kind is FieldKind.GUID]
    attrs = {
        "list_display": ["interaction_id", "contact", "timestamp", *(f.column for f in guid_fields)],
        "list_filter": [("timestamp", admin.DateFieldListFilter),
                        *(record_filter(f) for f in guid_fields if f.record is not None)],
        "search_fields": ["interaction_id"],  # shows the search box; GuidSearch does the searching
        "guid_search_fields": ("interaction_id", "contact_id", *(f.column for f in guid_fields)),
    }
    return type(f"{model.__name__}Admin", (InteractionAdmin,), attrs)


for _model in INTERACTION_MODELS.values():
    admin.site.register(_model, interaction_admin(_model))
