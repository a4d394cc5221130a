"""The catalogue API: public reads, coordinator writes."""

from rest_framework import viewsets

from api.schema import crud_schema
from catalogue import selectors
from catalogue.filters import CompetencyFilter, FrameworkFilter, LearningPathFilter, ModuleFilter
from catalogue.serializers import (
    CompetencySerializer,
    FrameworkSerializer,
    LearningPathSerializer,
    ModuleSerializer,
)


@crud_schema("framework", "frameworks")
class FrameworkViewSet(viewsets.ModelViewSet):
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
class CompetencyViewSet(viewsets.ModelViewSet):
    """Competencies: what a provider can do, grouped in areas, rated on a framework's scale."""

    queryset = selectors.competency_list()
    serializer_class = CompetencySerializer
    filterset_class = CompetencyFilter
    search_fields = ["code", "name_fr", "name_en", "description_fr", "description_en"]
    ordering_fields = ["code", "order", "name_fr", "name_en", "created_at", "updated_at"]
    ordering = ["framework__code", "order", "code"]
    schema_tags = ["catalogue"]


@crud_schema("module", "modules")
class ModuleViewSet(viewsets.ModelViewSet):
    """Modules: training days, workshops, conferences, club sessions and e-learning.

    Each lists the competencies it teaches with the level reached, and its
    prerequisites (a competency and a minimum level).
    """

    queryset = selectors.module_list()
    serializer_class = ModuleSerializer
    filterset_class = ModuleFilter
    search_fields = ["code", "title_fr", "title_en", "description_fr", "description_en"]
    ordering_fields = [
        "code", "title_fr", "title_en", "duration_hours", "price", "created_at", "updated_at"
    ]
    ordering = ["code"]
    schema_tags = ["catalogue"]


@crud_schema("learning path", "learning paths")
class LearningPathViewSet(viewsets.ModelViewSet):
    """Learning paths: ordered steps (required or optional modules) and target levels."""

    queryset = selectors.path_list()
    serializer_class = LearningPathSerializer
    filterset_class = LearningPathFilter
    search_fields = ["code", "name_fr", "name_en", "description_fr", "description_en"]
    ordering_fields = ["code", "name_fr", "name_en", "created_at", "updated_at"]
    ordering = ["code"]
    schema_tags = ["catalogue"]
