"""The audit trail, for coordinators."""

from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import mixins, viewsets

from api.pagination import CursorPagination
from api.permissions import RolePermission
from api.schema import crud_schema
from api.viewsets import ID_PATTERN
from audit.filters import AuditEventFilter
from audit.models import AuditEvent
from audit.serializers import AuditEventSerializer
from common.roles import COORDINATOR


class AuditPagination(CursorPagination):
    ordering = ("-at", "-id")


@crud_schema("audit event", "audit events")
class AuditEventViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Who changed what and when: every write to sessions, enrolments, completions (voids
    included), self-assessments, logins and partner clients, newest first. Append-only:
    the database refuses to change or delete an event. Coordinators only."""

    queryset = AuditEvent.objects.all()
    serializer_class = AuditEventSerializer
    filterset_class = AuditEventFilter
    filter_backends = [DjangoFilterBackend]
    pagination_class = AuditPagination
    permission_classes = [RolePermission]
    action_roles = {"list": {COORDINATOR}, "retrieve": {COORDINATOR}}
    lookup_value_regex = ID_PATTERN
    schema_tags = ["audit"]
