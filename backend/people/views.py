"""The people API: coordinators manage; each person sees what concerns them."""

from typing import Any

from django.db.models import QuerySet
from drf_standardized_errors.openapi_validation_errors import extend_validation_errors
from rest_framework.serializers import BaseSerializer

from api.pagination import ChangeFeedPagination
from api.permissions import RolePermission
from api.schema import crud_schema
from api.viewsets import ModelViewSet, ScopedQuerysetMixin
from common.export_views import ExportMixin
from common.roles import COORDINATOR, PARTNER, PROVIDER, SIGNED_IN, TRAINER, role_of
from people import columns, selectors
from people.filters import BusinessFilter, OrganisationFilter, ProviderFilter, TrainerFilter
from people.models import Business, Provider, Trainer
from people.serializers import (
    BusinessSerializer,
    OrganisationSerializer,
    ProviderSelfSerializer,
    ProviderSerializer,
    TrainerSerializer,
)

COORDINATOR_WRITES = {
    "create": {COORDINATOR},
    "update": {COORDINATOR},
    "partial_update": {COORDINATOR},
    "destroy": {COORDINATOR},
}


@crud_schema("organisation", "organisations")
@extend_validation_errors(["unique"], field_name="name", methods=["post", "put", "patch"])
@extend_validation_errors(["invalid_parent"], field_name="parent", methods=["post", "put", "patch"])
class OrganisationViewSet(ModelViewSet):
    """The tourism office, its information offices and the partner training centres."""

    serializer_class = OrganisationSerializer
    filterset_class = OrganisationFilter
    permission_classes = [RolePermission]
    action_roles = {"list": SIGNED_IN, "retrieve": SIGNED_IN, **COORDINATOR_WRITES}
    search_fields = ["name", "commune"]
    ordering_fields = ["name", "kind", "created_at"]
    schema_tags = ["people"]

    def get_queryset(self) -> QuerySet[Any]:
        return selectors.organisation_list()


@crud_schema("business", "businesses")
@extend_validation_errors(["wrong_kind"], field_name="office", methods=["post", "put", "patch"])
class BusinessViewSet(ScopedQuerysetMixin, ModelViewSet):
    """Providers' establishments: sector, commune and the information office that follows them.

    Coordinators see and manage all; a provider sees their own business; a
    trainer or partner centre, those of its participants.
    """

    scoped_model = Business
    serializer_class = BusinessSerializer
    filterset_class = BusinessFilter
    permission_classes = [RolePermission]
    action_roles = {"list": SIGNED_IN, "retrieve": SIGNED_IN, **COORDINATOR_WRITES}
    search_fields = ["name", "commune"]
    ordering_fields = ["name", "commune", "sector", "created_at"]
    schema_tags = ["people"]

    def scoped_queryset(self) -> QuerySet[Any]:
        return selectors.business_list(user=self.request.user)


@crud_schema("provider", "providers")
@extend_validation_errors(["unique"], field_name="email", methods=["post", "put", "patch"])
class ProviderViewSet(ExportMixin, ScopedQuerysetMixin, ModelViewSet):
    """Providers (learners). Coordinators manage all; a provider sees and edits their own
    profile (contact and consent only); a trainer sees the participants of the sessions
    they train; a partner centre those of its sessions."""

    pagination_class = ChangeFeedPagination
    export_filename = "providers"
    export_columns = columns.PROVIDERS
    scoped_model = Provider
    filterset_class = ProviderFilter
    permission_classes = [RolePermission]
    action_roles = {
        "list": {COORDINATOR, TRAINER, PROVIDER, PARTNER},
        "retrieve": {COORDINATOR, TRAINER, PROVIDER, PARTNER},
        "create": {COORDINATOR},
        "update": {COORDINATOR, PROVIDER},
        "partial_update": {COORDINATOR, PROVIDER},
        "destroy": {COORDINATOR},
    }
    search_fields = ["first_name", "last_name", "email", "business__name"]
    ordering_fields = ["last_name", "first_name", "created_at", "updated_at"]
    ordering = ["last_name", "first_name"]
    schema_tags = ["people"]

    def scoped_queryset(self) -> QuerySet[Any]:
        return selectors.provider_list(user=self.request.user)

    def get_serializer_class(self) -> type[BaseSerializer[Any]]:
        if getattr(self, "swagger_fake_view", False):
            return ProviderSerializer
        if role_of(self.request.user) == PROVIDER:
            return ProviderSelfSerializer
        return ProviderSerializer


@crud_schema("trainer", "trainers")
@extend_validation_errors(["unique"], field_name="email", methods=["post", "put", "patch"])
class TrainerViewSet(ScopedQuerysetMixin, ModelViewSet):
    """Facilitators (trainers of the office) and outside trainers."""

    scoped_model = Trainer
    serializer_class = TrainerSerializer
    filterset_class = TrainerFilter
    permission_classes = [RolePermission]
    action_roles = {
        "list": {COORDINATOR, TRAINER},
        "retrieve": {COORDINATOR, TRAINER},
        **COORDINATOR_WRITES,
    }
    search_fields = ["first_name", "last_name", "email"]
    ordering_fields = ["last_name", "first_name", "created_at"]
    ordering = ["last_name", "first_name"]
    schema_tags = ["people"]

    def scoped_queryset(self) -> QuerySet[Any]:
        return selectors.trainer_list(user=self.request.user)
