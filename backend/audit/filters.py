"""Filters on the audit trail."""

from api.filters import ChoiceFilter, FilterSet, IdFilter, IsoDateTimeFilter
from audit.models import AuditEvent
from audit.receivers import AUDITED

RECORD_TYPES = [(label.lower(), label.lower()) for label in AUDITED]
ACTIONS = [(action, action) for action in ("created", "updated", "deleted")]


class AuditEventFilter(FilterSet):
    record_type = ChoiceFilter(choices=RECORD_TYPES, label="Record type (app.model)")
    record_id = IdFilter(field_name="record_id", label="Record (id)")
    actor = IdFilter(field_name="actor_id", label="Login (id) who wrote")
    action = ChoiceFilter(choices=ACTIONS)
    since = IsoDateTimeFilter(field_name="at", lookup_expr="gte")
    until = IsoDateTimeFilter(field_name="at", lookup_expr="lt")

    class Meta:
        model = AuditEvent
        fields: list[str] = []
