"""Self-assessments and progress profiles."""

import datetime as dt
from typing import Any

from django.db.models import QuerySet
from django.http import Http404, HttpResponse, HttpResponseBase
from django.utils import timezone
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import PolymorphicProxySerializer, extend_schema
from drf_standardized_errors.openapi_validation_errors import extend_validation_errors
from rest_framework import mixins, status, viewsets
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api.filters import MAX_ID
from api.pagination import CursorPagination
from api.permissions import IsAuthenticated, RolePermission
from api.schema import crud_schema
from api.viewsets import ID_PATTERN, ScopedQuerysetMixin
from common.export_views import ExportMixin
from common.roles import COORDINATOR, PARTNER, PROVIDER, TRAINER, role_of
from people.selectors import provider_of
from progress import columns, profile_cache, selectors, services
from progress.filters import SelfAssessmentFilter
from progress.models import SelfAssessment
from progress.serializers import ProgressSerializer, SelfAssessmentSerializer

MAX_RATINGS = 50


class HistoryPagination(CursorPagination):
    """Newest first, by cursor: a deep page costs what the first does."""

    ordering = ("-assessed_at", "-id")


RATINGS = PolymorphicProxySerializer(
    component_name="SelfAssessmentInput",
    serializers=[
        SelfAssessmentSerializer,
        SelfAssessmentSerializer(many=True, min_length=1, max_length=MAX_RATINGS),  # type: ignore[call-arg]
    ],
    resource_type_field_name=None,
    many=False,
)


@crud_schema("self-assessment", "self-assessments", skip=("create",))
@extend_validation_errors(["out_of_scale"], field_name="level", methods=["post"])
@extend_validation_errors(["inactive"], field_name="competency", methods=["post"])
@extend_validation_errors(["in_future"], field_name="assessed_at", methods=["post"])
@extend_validation_errors(["one_provider"], field_name="provider", methods=["post"])
class SelfAssessmentViewSet(
    ExportMixin,
    ScopedQuerysetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Self-assessments: each provider rates their own level per competency, as often as
    they like. Append-only: never changed or deleted through the API. Providers see their
    own, trainers their participants', coordinators all."""

    scoped_model = SelfAssessment
    export_filename = "self-assessments"
    export_columns = columns.SELF_ASSESSMENTS
    serializer_class = SelfAssessmentSerializer
    # A list body: its items' errors are documented as `INDEX.field` (see api.schema).
    list_body_serializer = SelfAssessmentSerializer
    filterset_class = SelfAssessmentFilter
    pagination_class = HistoryPagination
    permission_classes = [RolePermission]
    lookup_value_regex = ID_PATTERN
    action_roles = {
        "list": {COORDINATOR, TRAINER, PROVIDER, PARTNER},
        "retrieve": {COORDINATOR, TRAINER, PROVIDER, PARTNER},
        "create": {COORDINATOR, PROVIDER},
    }
    # Cursor pages are ordered by time; free ordering and search would break them.
    filter_backends = [DjangoFilterBackend]
    schema_tags = ["progress"]

    def scoped_queryset(self) -> QuerySet[Any]:
        return selectors.self_assessment_list(user=self.request.user)

    def export_annotations(self) -> dict[str, Any]:
        return columns.self_assessment_annotations()

    @extend_schema(
        summary="Record self-assessments",
        description=f"One rating, or a list of up to {MAX_RATINGS} recorded together (all or "
        "none). A provider rates themself; a coordinator names the provider.",
        request=RATINGS,
        responses={201: RATINGS},
    )
    def create(self, request: Request) -> Response:
        many = isinstance(request.data, list)
        bounds: dict[str, Any] = {"min_length": 1, "max_length": MAX_RATINGS} if many else {}
        serializer = SelfAssessmentSerializer(
            data=request.data, many=many, context={"request": request}, **bounds
        )
        serializer.is_valid(raise_exception=True)
        ratings = serializer.validated_data if many else [serializer.validated_data]
        if role_of(request.user) == PROVIDER:
            provider = provider_of(request.user)
            for rating in ratings:
                rating.pop("assessed_at", None)
        else:
            providers = {rating.get("provider") for rating in ratings}
            if None in providers or len(providers) != 1:
                raise ValidationError(
                    {"provider": ["Name one provider for all the ratings."]}, code="one_provider"
                )
            provider = providers.pop()
        created = services.self_assessments_create(
            provider=provider, ratings=ratings, assessed_at=timezone.now(), actor=request.user
        )
        data = SelfAssessmentSerializer(created, many=True).data
        return Response(data if many else data[0], status=status.HTTP_201_CREATED)


def _progress_response(request: Request, provider_id: int) -> HttpResponseBase:
    # Built as plain data in the shape ProgressSerializer documents (the contract tests
    # check answers against the schema): a profile is read on every visit, and
    # serializing it field by field would cost more than reading it. Its JSON is served
    # again until something it shows changes (progress.profile_cache).
    renderer = request.accepted_renderer
    if not isinstance(renderer, JSONRenderer):  # the browsable API, in development
        found = selectors.provider_progress(provider_id=provider_id)
        if found is None:
            raise Http404
        return Response(found)

    def compute() -> tuple[bytes, dt.datetime | None] | None:
        found = selectors.provider_progress_until(provider_id=provider_id)
        if found is None:
            return None
        progress, until = found
        return renderer.render(progress, request.accepted_media_type), until

    body = profile_cache.profile(provider_id, compute)
    if body is None:
        raise Http404
    return HttpResponse(body, content_type=renderer.media_type)


class ProviderProgressView(APIView):
    """A provider's progress: per competency the latest self-assessed level, the level
    evidenced by completed modules, the target of their paths and the gap; per path, the
    required steps completed; and recommended modules with their upcoming sessions."""

    permission_classes = [IsAuthenticated]
    schema_tags = ["progress"]

    @extend_schema(summary="Get a provider's progress", responses=ProgressSerializer)
    def get(self, request: Request, pk: int) -> HttpResponseBase:
        if pk > MAX_ID:  # beyond any id: not a provider (and not an integer SQL takes)
            raise Http404
        user, role = request.user, role_of(request.user)
        # A coordinator may read any provider, a provider themself: known without a query
        # (an unknown id is a 404 all the same). Others' reach is read from their sessions.
        if role == PROVIDER:
            visible = pk == user.provider_id  # type: ignore[union-attr]
        elif role == COORDINATOR:
            visible = True
        else:
            visible = selectors.progress_providers(user=user).filter(pk=pk).exists()
        if not visible:
            raise Http404
        return _progress_response(request, pk)


class MyProgressView(APIView):
    """The signed-in provider's own progress (the same as `providers/{id}/progress/`)."""

    permission_classes = [IsAuthenticated]
    raises_not_found = True
    schema_tags = ["progress"]

    @extend_schema(summary="Get my progress", responses=ProgressSerializer)
    def get(self, request: Request) -> HttpResponseBase:
        provider_id = getattr(request.user, "provider_id", None)
        if provider_id is None:
            raise NotFound("This login does not belong to a provider.")
        return _progress_response(request, provider_id)
