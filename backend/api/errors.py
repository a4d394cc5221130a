"""One error shape for every error (drf-standardized-errors' format).

    {"type": "validation_error" | "client_error" | "server_error",
     "errors": [{"code": "...", "detail": "...", "attr": "field.path" | null}]}

Domain code raises Django's `ValidationError` or a `DomainError`; this handler
turns both, and deletes blocked by a reference, into that shape.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import ProtectedError, RestrictedError
from drf_standardized_errors.handler import ExceptionHandler as BaseExceptionHandler
from rest_framework import exceptions, serializers, status


class Conflict(exceptions.APIException):
    """The request contradicts the current state of the resource."""

    status_code = status.HTTP_409_CONFLICT
    default_detail = "This conflicts with the current state of the resource."
    default_code = "conflict"


class DomainError(exceptions.APIException):
    """A business rule refused the operation (400, with a machine-readable code)."""

    status_code = status.HTTP_400_BAD_REQUEST
    default_detail = "This operation is not allowed."
    default_code = "invalid"


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
        return super().convert_known_exceptions(exc)


# Validation codes for rules a schema cannot express: they depend on other
# records (an id that does not exist, a code already taken, a level outside the
# scale of the competency's framework, an inactive module). Every other
# validation code means the request broke a rule the schema states.
BUSINESS_RULE_CODES = frozenset(
    {
        "does_not_exist",
        "unique",
        "duplicate",
        "out_of_scale",
        "invalid_scale",
        "in_use",
        "inactive",
        "wrong_framework",
        "null_characters_not_allowed",
    }
)
