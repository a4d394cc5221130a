from rest_framework import serializers

from audit.models import AuditEvent


class AuditEventSerializer(serializers.ModelSerializer[AuditEvent]):
    """One write: when, by whom (login id and username, partner client id), to which
    record, and what changed."""

    changes = serializers.DictField(
        help_text="Created or deleted: the record's values; updated: {field: [before, after]}. "
        "Passwords appear as `(set)` or `(changed)`, never their value."
    )

    class Meta:
        model = AuditEvent
        fields = [
            "id",
            "at",
            "actor_id",
            "actor",
            "client",
            "record_type",
            "record_id",
            "action",
            "changes",
        ]
        read_only_fields = fields
