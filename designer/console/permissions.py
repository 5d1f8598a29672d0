"""What every admin page of the project shares: who may use it (segments/roles.py) and searches that stay on
indexes (a GUID is looked up exactly, never as text: `=contact_id` in search_fields would cast every row)."""

from __future__ import annotations

import uuid

from django.db.models import Q

from interactions.catalog import parse_guid
from segments.roles import can_administer


class AdministratorsOnly:
    """Model permissions follow the roles, not Django's per-model permissions."""

    def has_module_permission(self, request):
        return can_administer(request.user)

    def has_view_permission(self, request, obj=None):
        return can_administer(request.user)

    def has_add_permission(self, request):
        return can_administer(request.user)

    def has_change_permission(self, request, obj=None):
        return can_administer(request.user)

    def has_delete_permission(self, request, obj=None):
        return can_administer(request.user)


class ReadOnly(AdministratorsOnly):
    """Shown, never edited: no add, change or delete (the change page is a read-only view)."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def as_guid(text: str) -> uuid.UUID | None:
    """A typed GUID (surrounding space and braces allowed), or None."""
    return parse_guid(text.strip()) if isinstance(text, str) else None


class GuidSearch:
    """A search term that is a GUID matches `guid_search_fields` exactly (indexed); any other term searches the
    text `search_fields` as usual, or finds nothing when `text_search` is False (a 10-million-row table)."""

    guid_search_fields: tuple[str, ...] = ()
    text_search = True

    def get_search_results(self, request, queryset, search_term):
        guid = as_guid(search_term) if search_term.strip() else None
        if guid is not None and self.guid_search_fields:
            match = Q()
            for name in self.guid_search_fields:
                match |= Q(**{name: guid})
            return queryset.filter(match), False
        if not self.text_search and search_term.strip():
            return queryset.none(), False
        return super().get_search_results(request, queryset, search_term)
