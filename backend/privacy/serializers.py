"""What the export and the erasure answer (documentation of their JSON)."""

from typing import Any

from rest_framework import serializers


class ExportedProviderSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    first_name = serializers.CharField()
    last_name = serializers.CharField()
    email = serializers.CharField()
    phone = serializers.CharField()
    business = serializers.CharField(allow_null=True)
    shares_progress_with_partners = serializers.BooleanField()
    assigned_paths = serializers.ListField(child=serializers.CharField())
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
    erased_at = serializers.DateTimeField(allow_null=True)


class ExportedLoginSerializer(serializers.Serializer[Any]):
    username = serializers.CharField()
    email = serializers.CharField()
    first_name = serializers.CharField()
    last_name = serializers.CharField()
    role = serializers.CharField()
    is_active = serializers.BooleanField()
    date_joined = serializers.DateTimeField()
    last_login = serializers.DateTimeField(allow_null=True)


class ProviderExportSerializer(serializers.Serializer[Any]):
    """Everything held about a provider: their profile and login, every rating (with its
    comment), their levels, enrolments, attendance records and partner centres' ids."""

    exported_at = serializers.DateTimeField()
    provider = ExportedProviderSerializer()
    login = ExportedLoginSerializer(allow_null=True)
    self_assessments = serializers.ListField(child=serializers.DictField())
    levels = serializers.ListField(child=serializers.DictField())
    enrolments = serializers.ListField(child=serializers.DictField())
    completions = serializers.ListField(child=serializers.DictField())
    partner_ids = serializers.ListField(child=serializers.DictField())


class ErasureSerializer(serializers.Serializer[Any]):
    provider = serializers.IntegerField()
    erased_at = serializers.DateTimeField()
