"""Every error the API answers has one shape: `{"error": {"message": ..., ...extra}}`, for every endpoint.

Endpoints raise; `install` turns the exceptions into answers. The extra keys are documented in
schemas.ErrorDetail (line and column of a query error, the segments that use one, per-item ingest errors...).
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import Http404, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from segments import services, sharing
from segments.query import QueryError


class ApiError(HttpError):
    """An error answer with keys beside the message, e.g. `used_by` on a 409 'in use'."""

    def __init__(self, status: int, message: str, **extra):
        super().__init__(status, message)
        self.extra = extra


def _http_error(exc: HttpError) -> ApiError:
    return exc if isinstance(exc, ApiError) else ApiError(exc.status_code, exc.message)


def _unauthenticated(exc: AuthenticationError) -> ApiError:
    return ApiError(401, "authentication required: send 'Authorization: Bearer <API token key>' or log in")


def _invalid(exc: ValidationError) -> ApiError:
    details = [{"loc": [str(p) for p in e.get("loc", ())], "msg": str(e.get("msg", "")), "type": str(e.get("type"))}
               for e in exc.errors]
    first = details[0] if details else {"loc": [], "msg": "invalid"}
    where = ".".join(p for p in first["loc"] if p not in ("body", "payload"))
    return ApiError(422, f"invalid request: {where + ': ' if where else ''}{first['msg']}", details=details)


_AS_API_ERROR: dict[type[Exception], Callable[[Exception], ApiError]] = {
    HttpError: _http_error,
    AuthenticationError: _unauthenticated,
    Http404: lambda exc: ApiError(404, "not found"),
    ValidationError: _invalid,
    QueryError: lambda exc: ApiError(422, exc.message, line=exc.line, column=exc.column),
    services.SegmentError: lambda exc: ApiError(409, str(exc)),
    sharing.SharingError: lambda exc: ApiError(400, str(exc)),
}


def install(api: NinjaAPI) -> None:
    """Make `api` answer each of these exceptions in the one error shape; a 401 says how to authenticate."""

    def handler(as_api_error: Callable[[Exception], ApiError]):
        def answer(request, exc: Exception) -> HttpResponse:
            error = as_api_error(exc)
            response = api.create_response(request, {"error": {"message": error.message, **error.extra}},
                                           status=error.status_code)
            if error.status_code == 401:
                response["WWW-Authenticate"] = 'Bearer realm="segment-designer"'
            return response
        return answer

    for exc_class, as_api_error in _AS_API_ERROR.items():
        api.add_exception_handler(exc_class, handler(as_api_error))
