"""Roles: Marketers create, edit, take live and stop segments; Viewers only read; Administrators also run
the admin console (they are staff). Ingest feeds interactions in through the API and sees nothing else (a
tracker's account); Administrators may ingest too. Superusers can do everything. The groups come from migrations.

Every view and API endpoint asks these functions; nothing else decides who may do what.
"""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied

MARKETERS = "Marketers"
VIEWERS = "Viewers"
ADMINISTRATORS = "Administrators"
GROUPS = (MARKETERS, VIEWERS, ADMINISTRATORS)  # the designer's roles
INGEST = "Ingest"  # not a designer role: its members need not see segments


def _groups(user) -> set[str]:
    if not getattr(user, "is_authenticated", False):
        return set()
    cached = getattr(user, "_segment_roles", None)
    if cached is None:
        cached = set(user.groups.values_list("name", flat=True))
        user._segment_roles = cached
    return cached


def can_view(user) -> bool:
    return bool(getattr(user, "is_superuser", False) or _groups(user) & set(GROUPS))


def can_edit(user) -> bool:
    return bool(getattr(user, "is_superuser", False) or _groups(user) & {MARKETERS, ADMINISTRATORS})


def can_administer(user) -> bool:
    return bool(getattr(user, "is_superuser", False) or (user.is_staff and ADMINISTRATORS in _groups(user)))


def can_ingest(user) -> bool:
    """Write contacts, records and interactions (POST /api/interactions): a contact line overwrites a name."""
    return can_administer(user) or INGEST in _groups(user)


def can_issue_token(issuer, user) -> bool:
    """Whether `issuer` may create an API token that acts as `user`: their own, or anyone's for a superuser
    (a key acts with all of its user's rights, so nobody gets one for a user with more rights than their own)."""
    return bool(getattr(issuer, "is_superuser", False) or (issuer.is_authenticated and issuer.pk == user.pk))


def _require(check, what: str):
    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not check(request.user):
                raise PermissionDenied(f"{what}: ask an administrator to add you to the right group "
                                       f"({', '.join(GROUPS)})")
            return view(request, *args, **kwargs)
        return wrapped
    return decorator


viewer_required = _require(can_view, "You may not see segments")
marketer_required = _require(can_edit, "You may not change segments")
