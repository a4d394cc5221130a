"""One error shape for every error (drf-standardized-errors' format).

    {"type": "validation_error" | "client_error" | "server_error",
     "errors": [{"code": "...", "detail": "...", "attr": "field.path" | null}]}

Domain code raises Django's `ValidationError` or a `DomainError`; this handler
turns both, and deletes blocked by a reference, into that shape.
"""

import logging
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import InterfaceError, OperationalError
from django.db.models import ProtectedError, RestrictedError
from drf_standardized_errors.formatter import ExceptionFormatter as BaseExceptionFormatter
from drf_standardized_errors.formatter import flatten_errors
from drf_standardized_errors.handler import ExceptionHandler as BaseExceptionHandler
from drf_standardized_errors.types import ErrorResponse
from rest_framework import exceptions, serializers, status
from rest_framework.exceptions import ErrorDetail
from rest_framework.settings import api_settings

logger = logging.getLogger(__name__)


class Conflict(exceptions.APIException):
    """The request contradicts the current state of the resource."""

    status_code = status.HTTP_409_CONFLICT
    default_detail = "This conflicts with the current state of the resource."
    default_code = "conflict"


class RequestTooLarge(exceptions.APIException):
    """The request body is larger than DATA_UPLOAD_MAX_MEMORY_SIZE."""

    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = "The request body is too large."
    default_code = "request_too_large"


class DatabaseUnavailable(exceptions.APIException):
    """The database could not be reached, dropped the connection (a restart, a failover, a
    terminated session) or gave up a transaction (a deadlock, a lock wait): the request's
    transaction is rolled back, and a retry after a moment will do."""

    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_detail = "The database is unavailable for a moment; retry shortly."
    default_code = "database_unavailable"
    wait = 1


class DomainError(exceptions.ValidationError):
    """A business rule refused the operation: a 400 validation error on `non_field_errors`."""

    def __init__(self, detail: str, code: str) -> None:
        super().__init__({api_settings.NON_FIELD_ERRORS_KEY: [ErrorDetail(detail, code)]})


class ExceptionHandler(BaseExceptionHandler):
    """Maps domain and database exceptions to HTTP before formatting them."""

    def convert_known_exceptions(self, exc: Exception) -> Exception:
        if isinstance(exc, ProtectedError | RestrictedError):
            return Conflict(
                "This record is still referenced by other records and cannot be deleted.",
                code="protected",
            )
        if isinstance(exc, DjangoValidationError):
            return exceptions.ValidationError(serializers.as_serializer_error(exc))
        if isinstance(exc, OperationalError | InterfaceError) and _transient(exc):
            # The request's transaction, if any, is rolled back with the connection, and
            # Django replaces the connection at the next request (health checks).
            logger.warning("database unavailable: %s", exc, exc_info=exc)
            return DatabaseUnavailable()
        if isinstance(exc, RequestDataTooBig):
            limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
            return RequestTooLarge(f"The request body is larger than {limit} bytes.")
        return super().convert_known_exceptions(exc)


# SQLSTATE classes of errors a retry may clear: connection exceptions (08), transaction
# rollbacks such as deadlocks and serialization failures (40), operator intervention
# such as a shutdown or a cancelled query (57), a lock not available (55P03).
TRANSIENT_STATES = ("08", "40", "57", "55P03")


def _transient(exc: Exception) -> bool:
    """A database error that a retry may clear; others (a missing table, say) are bugs."""
    if isinstance(exc, InterfaceError):
        return True  # the connection is closed or broken
    cause = exc.__cause__
    state = getattr(cause, "sqlstate", None)
    if state is not None:
        return str(state).startswith(TRANSIENT_STATES)
    if type(cause).__module__.startswith("psycopg"):
        return True  # psycopg gives no state when it cannot reach the server at all
    return "database is locked" in str(exc)  # SQLite: another writer held it too long


# Validation codes for rules a schema cannot express: they depend on other records (an
# id that does not exist, a code already taken, a level outside the scale of the
# competency's framework, an inactive module). Every other validation code means the
# request broke a rule the schema states. These are the ones DRF, Django and this
# package raise; each app names its own in its AppConfig (`rule_codes`).
PLUMBING_RULE_CODES = frozenset(
    {
        "does_not_exist",
        "unique",
        "null_characters_not_allowed",
        # A date-time at the very edge of the calendar, outside what can be stored.
        "overflow",
        # A query's date outside 1900-01-01..2200-12-31 (api.fields.EARLIEST_DAY, LATEST_DAY):
        # `format: date` cannot state a range.
        "out_of_range",
    }
)


def business_rule_codes() -> frozenset[str]:
    """Every validation code of a rule the schema cannot state: the plumbing's, and the
    `rule_codes` of each installed app."""
    codes = set(PLUMBING_RULE_CODES)
    for config in apps.get_app_configs():
        codes |= getattr(config, "rule_codes", frozenset())
    return frozenset(codes)


def _string_keys(detail: Any) -> Any:
    if isinstance(detail, dict):
        return {str(key): _string_keys(value) for key, value in detail.items()}
    if isinstance(detail, list):
        return [_string_keys(item) for item in detail]
    return detail


class ExceptionFormatter(BaseExceptionFormatter):
    """Error attrs are always strings: a list body's item 0 is `"0"` (`"0.level"`), not 0."""

    def get_errors(self) -> Any:
        # DRF keys a list's item errors by position (an int): name them "0", "1", …
        # before flattening, or item 0 loses its prefix ("level" instead of "0.level").
        return flatten_errors(_string_keys(self.exc.detail))

    def format_error_response(self, error_response: ErrorResponse) -> Any:
        for error in error_response.errors:
            if error.attr is not None and not isinstance(error.attr, str):
                error.attr = str(error.attr)
        return super().format_error_response(error_response)
