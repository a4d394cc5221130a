"""A provider's data: a copy of everything held, and erasure."""

from typing import Any

from django.http import Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api.filters import MAX_ID
from api.permissions import RolePermission
from common.roles import COORDINATOR, PROVIDER
from people.models import Provider
from people.selectors import provider_list
from privacy import services
from privacy.serializers import ErasureSerializer, ProviderExportSerializer


def _provider(request: Request, pk: int) -> Provider:
    if pk > MAX_ID:
        raise Http404
    # A provider sees only themself: anyone else's id is a 404.
    return get_object_or_404(provider_list(user=request.user), pk=pk)


class ProviderExportView(APIView):
    """Everything Parcours holds about a provider, as JSON (the right of access and to
    portability): a coordinator for anyone, a provider for themself."""

    permission_classes = [RolePermission]
    action_roles = {"get": {COORDINATOR, PROVIDER}}
    schema_tags = ["people"]

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        self.action = "get"
        super().initial(request, *args, **kwargs)

    @extend_schema(summary="Export a provider's data", responses=ProviderExportSerializer)
    def get(self, request: Request, pk: int) -> Response:
        provider = _provider(request, pk)
        return Response(ProviderExportSerializer(services.provider_export(provider=provider)).data)


class ProviderEraseView(APIView):
    """Erase a provider (the right to erasure): names, contact, comments, login and partner
    ids are removed; their levels and attendance stay, anonymous, in the statistics.
    Coordinators only; running it again changes nothing."""

    permission_classes = [RolePermission]
    action_roles = {"post": {COORDINATOR}}
    schema_tags = ["people"]

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        self.action = "post"
        super().initial(request, *args, **kwargs)

    @extend_schema(
        summary="Erase a provider's personal data", request=None, responses=ErasureSerializer
    )
    def post(self, request: Request, pk: int) -> Response:
        provider = services.provider_erase(provider=_provider(request, pk))
        return Response({"provider": provider.pk, "erased_at": provider.erased_at})
