"""Who is calling the API, and whether their role lets them (segments/roles.py decides the roles)."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from ninja.errors import HttpError
from ninja.security import HttpBearer
from ninja.security.apikey import APIKeyCookie
from ninja.utils import check_csrf

from interactions.models import ApiToken
from segments import roles


def authenticate_token(request: HttpRequest) -> ApiToken | None:
    """The active ApiToken named by `Authorization: Bearer <key>` (or `Token <key>`), or None."""
    scheme, _, key = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() not in ("bearer", "token") or not key.strip():
        return None
    return ApiToken.authenticate(key.strip())


class TokenAuth(HttpBearer):
    """An API token: `Authorization: Bearer <key>` (or `Token <key>`); the request runs as the token's user."""

    def __call__(self, request: HttpRequest):
        token = authenticate_token(request)
        if token is None:
            return None
        request.user = token.user
        return token.user

    def authenticate(self, request, token):  # pragma: no cover - __call__ does the work
        return None


class SessionAuth(APIKeyCookie):
    """The browser's Django session; unsafe methods must carry the CSRF token (X-CSRFToken header)."""

    param_name = settings.SESSION_COOKIE_NAME

    def __call__(self, request: HttpRequest):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        if request.method not in ("GET", "HEAD", "OPTIONS", "TRACE") and check_csrf(request):
            raise HttpError(403, "CSRF check failed: with session authentication, send the CSRF token in the "
                                 "X-CSRFToken header (or use an API token)")
        return user

    def _get_key(self, request):  # pragma: no cover - __call__ does the work
        return None

    def authenticate(self, request, key):  # pragma: no cover
        return None


def require_viewer(request) -> None:
    if not roles.can_view(request.user):
        raise HttpError(403, f"you may not see segments: ask an administrator to add '{request.user.get_username()}' "
                             f"to one of the groups {', '.join(roles.GROUPS)}")


def require_editor(request) -> None:
    require_viewer(request)
    if not roles.can_edit(request.user):
        raise HttpError(403, "you may only read segments (Viewers): changing them needs the Marketers group")
