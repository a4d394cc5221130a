"""Schema components for the error responses drf-standardized-errors does not ship."""

from drf_standardized_errors.openapi_serializers import ClientErrorEnum
from rest_framework import serializers


def _error_response(name: str, codes: list[str]) -> type[serializers.Serializer[object]]:
    error = type(
        f"Error{name}Serializer",
        (serializers.Serializer,),
        {
            "code": serializers.ChoiceField(choices=[(c, c) for c in codes]),
            "detail": serializers.CharField(),
            "attr": serializers.CharField(allow_null=True),
        },
    )
    return type(
        f"ErrorResponse{name}Serializer",
        (serializers.Serializer,),
        {
            "type": serializers.ChoiceField(choices=ClientErrorEnum.choices),
            "errors": error(many=True),
        },
    )


ErrorResponse412Serializer = _error_response("412", ["precondition_failed"])
ErrorResponse413Serializer = _error_response("413", ["too_many_items"])
ErrorResponse422Serializer = _error_response("422", ["idempotency_key_reused"])
ErrorResponse429BulkSerializer = _error_response(
    "429Bulk", ["throttled", "too_many_idempotency_keys"]
)
ErrorResponse401Serializer = _error_response(
    "401", ["not_authenticated", "authentication_failed", "token_not_valid", "no_active_account"]
)
ErrorResponse409Serializer = _error_response("409", ["conflict", "protected"])
