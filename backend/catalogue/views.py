"""The catalogue API: public reads, coordinator writes."""

from drf_standardized_errors.openapi_validation_errors import extend_validation_errors

from api.schema import crud_schema
from api.viewsets import ModelViewSet
from catalogue import selectors
from catalogue.filters import CompetencyFilter, FrameworkFilter, LearningPathFilter, ModuleFilter
from catalogue.serializers import (
    CompetencySerializer,
    FrameworkSerializer,
    LearningPathSerializer,
    ModuleSerializer,
)
from catalogue.signals import catalogue_version
from common.caching import CachedReadsMixin


class CatalogueViewSet(CachedReadsMixin, ModelViewSet):
    """The catalogue is the same for every caller: its reads are served from the cache,
    keyed by the catalogue's version (see `common.caching`)."""

    def cache_version(self) -> int:
        return catalogue_version()


@crud_schema("framework", "frameworks")
@extend_validation_errors(["unique"], field_name="code", methods=["post", "put", "patch"])
@extend_validation_errors(
    ["invalid_scale", "unique", "in_use"], field_name="levels", methods=["post", "put", "patch"]
)
@extend_validation_errors(["unique"], field_name="areas", methods=["post", "put", "patch"])
@extend_validation_errors(
    ["out_of_scale"], field_name="proficient_level", methods=["post", "put", "patch"]
)
class FrameworkViewSet(CatalogueViewSet):
    """Competency frameworks and their proficiency scales.

    A scale is levels 0..n, each with a code, a name and a descriptor;
    `proficient_level` is the first level that counts as proficient.
    """

    queryset = selectors.framework_list()
    serializer_class = FrameworkSerializer
    filterset_class = FrameworkFilter
    search_fields = ["code", "name_fr", "name_en"]
    ordering_fields = ["code", "name_fr", "name_en", "created_at", "updated_at"]
    ordering = ["code"]
    schema_tags = ["catalogue"]


@crud_schema("competency", "competencies")
@extend_validation_errors(["unique"], field_name="code", methods=["post", "put", "patch"])
@extend_validation_errors(["wrong_framework"], field_name="area", methods=["post", "put", "patch"])
@extend_validation_errors(["unique"], field_name="levels", methods=["post", "put", "patch"])
@extend_validation_errors(
    ["out_of_scale"], field_name="levels.INDEX.level", methods=["post", "put", "patch"]
)
class CompetencyViewSet(CatalogueViewSet):
    """Competencies: what a provider can do, grouped in areas, rated on a framework's scale."""

    queryset = selectors.competency_list()
    serializer_class = CompetencySerializer
    filterset_class = CompetencyFilter
    search_fields = ["code", "name_fr", "name_en", "description_fr", "description_en"]
    ordering_fields = ["code", "order", "name_fr", "name_en", "created_at", "updated_at"]
    ordering = ["framework__code", "order", "code"]
    schema_tags = ["catalogue"]


@crud_schema("module", "modules")
@extend_validation_errors(["unique"], field_name="code", methods=["post", "put", "patch"])
@extend_validation_errors(
    ["duplicate"], field_name="competencies.INDEX.competency", methods=["post", "put", "patch"]
)
@extend_validation_errors(
    ["out_of_scale"], field_name="competencies.INDEX.level", methods=["post", "put", "patch"]
)
@extend_validation_errors(
    ["duplicate"], field_name="prerequisites.INDEX.competency", methods=["post", "put", "patch"]
)
@extend_validation_errors(
    ["out_of_scale"], field_name="prerequisites.INDEX.min_level", methods=["post", "put", "patch"]
)
class ModuleViewSet(CatalogueViewSet):
    """Modules: training days, workshops, conferences, club sessions and e-learning.

    Each lists the competencies it teaches with the level reached, and its
    prerequisites (a competency and a minimum level).
    """

    queryset = selectors.module_list()
    serializer_class = ModuleSerializer
    filterset_class = ModuleFilter
    search_fields = ["code", "title_fr", "title_en", "description_fr", "description_en"]
    ordering_fields = [
        "code",
        "title_fr",
        "title_en",
        "duration_hours",
        "price",
        "created_at",
        "updated_at",
    ]
    ordering = ["code"]
    schema_tags = ["catalogue"]


@crud_schema("learning path", "learning paths")
@extend_validation_errors(["unique"], field_name="code", methods=["post", "put", "patch"])
@extend_validation_errors(
    ["duplicate"], field_name="steps.INDEX.position", methods=["post", "put", "patch"]
)
@extend_validation_errors(
    ["duplicate", "inactive"], field_name="steps.INDEX.module", methods=["post", "put", "patch"]
)
@extend_validation_errors(
    ["duplicate"], field_name="targets.INDEX.competency", methods=["post", "put", "patch"]
)
@extend_validation_errors(
    ["out_of_scale"], field_name="targets.INDEX.level", methods=["post", "put", "patch"]
)
class LearningPathViewSet(CatalogueViewSet):
    """Learning paths: ordered steps (required or optional modules) and target levels."""

    queryset = selectors.path_list()
    serializer_class = LearningPathSerializer
    filterset_class = LearningPathFilter
    search_fields = ["code", "name_fr", "name_en", "description_fr", "description_en"]
    ordering_fields = ["code", "name_fr", "name_en", "created_at", "updated_at"]
    ordering = ["code"]
    schema_tags = ["catalogue"]
