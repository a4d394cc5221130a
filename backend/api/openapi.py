"""Schema components for the error responses drf-standardized-errors does not ship."""

from drf_standardized_errors.openapi_serializers import ClientErrorEnum
from rest_framework import serializers


class Error409Serializer(serializers.Serializer[object]):
    code = serializers.ChoiceField(choices=[("conflict", "conflict"), ("protected", "protected")])
    detail = serializers.CharField()
    attr = serializers.CharField(allow_null=True)


class ErrorResponse409Serializer(serializers.Serializer[object]):
    type = serializers.ChoiceField(choices=ClientErrorEnum.choices)
    errors = Error409Serializer(many=True)
