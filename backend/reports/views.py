"""The office's reports, as JSON, spreadsheets and charts."""

import hashlib
import json
import time
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from django.conf import settings
from django.db.models import Max
from django.http import HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404
from django.utils.translation import get_language
from drf_orjson_renderer.renderers import ORJSONRenderer
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from drf_standardized_errors.openapi_validation_errors import extend_validation_errors
from rest_framework import permissions
from rest_framework.request import Request
from rest_framework.serializers import Serializer
from rest_framework.views import APIView

from api.negotiation import IgnoreClientContentNegotiation
from api.permissions import IsAuthenticated
from api.schema import CSV, XLSX
from catalogue.models import ProficiencyLevel
from common import caching
from common.exports import Column, export_response
from common.labels import Label
from common.memory import collector_paused
from common.roles import COORDINATOR, PARTNER, role_of
from progress import selectors as progress_selectors
from reports import charts, effect, sessions, skills
from reports.labels import CAUSES
from reports.serializers import (
    SessionsQuery,
    SessionsReportSerializer,
    SkillsChartQuery,
    SkillsQuery,
    SkillsReportSerializer,
    TrainingEffectQuery,
    TrainingEffectReportSerializer,
)

SVG = "image/svg+xml"

# A report's JSON, by report, language and the question asked from a scope: no version,
# it expires after REPORT_CACHE_SECONDS (0: never cached).
REPORTS = caching.Kind("report")


class IsCoordinatorOrPartner(permissions.BasePermission):
    """Reports are for the office's coordinators, and partner centres for their sessions."""

    message = "Reports are for coordinators and partner centres."

    def has_permission(self, request: Request, view: APIView) -> bool:
        # An anonymous caller is refused here too, and DRF answers it with a 401.
        return role_of(request.user) in (COORDINATOR, PARTNER)


def report_responses(serializer: type[Serializer[Any]]) -> dict[Any, Any]:
    """A report's answers: JSON, or the same as CSV or XLSX with `?format=`."""
    return {
        (200, "application/json"): serializer,
        (200, CSV): OpenApiTypes.STR,
        (200, XLSX): OpenApiTypes.BINARY,
    }


class ReportView(APIView):
    """A report: its query is validated, the selector computes it, and it is answered
    as JSON or downloaded as a spreadsheet with the same figures."""

    permission_classes = [IsCoordinatorOrPartner]
    content_negotiation_class = IgnoreClientContentNegotiation
    schema_tags = ["reports"]
    query_serializer: type[Serializer[Any]]
    filename: str
    report: Callable[..., dict[str, Any]]

    def params(self, request: Request) -> dict[str, Any]:
        # A plain dict: an empty `?until=` is then an invalid date, not "no filter".
        query = self.query_serializer(data=request.query_params.dict())
        query.is_valid(raise_exception=True)
        return dict(query.validated_data)

    def get(self, request: Request) -> HttpResponseBase:
        params = self.params(request)
        if params["format"] == "json":
            return self.answer(request, params)
        data = type(self).report(user=request.user, params=params)
        return export_response(
            self.export_rows(data),
            self.export_columns(data),
            filename=self.filename,
            file_format=params["format"],
        )

    def answer(self, request: Request, params: dict[str, Any]) -> HttpResponseBase:
        """The report as JSON, computed at most once per REPORT_CACHE_SECONDS for the same
        question from the same scope; `Age` says how many seconds ago it was computed."""
        seconds = settings.REPORT_CACHE_SECONDS
        user = request.user
        question = json.dumps(params, sort_keys=True, default=str)
        scope = f"{role_of(user)}:{getattr(user, 'partner_centre_id', None)}"
        digest = hashlib.sha256(f"{scope}:{question}".encode()).hexdigest()
        parts = (self.filename, get_language(), digest)
        cached = REPORTS.get(*parts) if seconds else None
        if cached is None:
            with collector_paused():
                data = type(self).report(user=user, params=params)
                body = ORJSONRenderer().render(data, "application/json")
            cached = (time.time(), body)
            REPORTS.set(cached, *parts, seconds=seconds)
        computed_at, body = cached
        response = HttpResponse(body, content_type="application/json")
        response["Age"] = str(int(time.time() - computed_at))
        response["Cache-Control"] = f"private, max-age={seconds}"
        return response

    def export_rows(self, data: dict[str, Any]) -> Iterable[dict[str, Any]]:
        return iter(data["rows"])

    def export_columns(self, data: dict[str, Any]) -> list[Column]:
        raise NotImplementedError


GROUP = Column("group_label", Label(fr="Groupe", en="Group"))
COMPETENCY_COLUMNS = [
    Column("competency_code", Label(fr="Code compétence", en="Competency code")),
    Column("competency_name", Label(fr="Compétence", en="Competency")),
]


@extend_validation_errors(["invalid_period"], field_name="until", methods=["get"])
class SkillsReportView(ReportView):
    """Per group (office, sector, commune, business, session or path) and competency: the
    providers assessed, their mean latest self-assessed level and its distribution, the share
    at or above the proficient level and their path's target, and the level their completed
    modules evidence against the one they give themselves. Partner centres get the
    participants of their own sessions who share their progress."""

    query_serializer = SkillsQuery
    filename = "skills"
    report = skills.skills_report

    @extend_schema(
        summary="Skills report",
        parameters=[SkillsQuery],
        responses=report_responses(SkillsReportSerializer),
    )
    def get(self, request: Request) -> HttpResponseBase:
        return super().get(request)

    def export_rows(self, data: dict[str, Any]) -> Iterator[dict[str, Any]]:
        for row in data["rows"]:
            counts = {f"level_{d['level']}": d["count"] for d in row["distribution"]}
            yield {**row, **counts}

    def export_columns(self, data: dict[str, Any]) -> list[Column]:
        levels = sorted({level for c in data["competencies"] for level in c["scale"]})
        return [
            GROUP,
            *COMPETENCY_COLUMNS,
            Column("assessed", Label(fr="Prestataires évalués", en="Providers assessed")),
            Column("mean_level", Label(fr="Niveau moyen", en="Mean level")),
            *(
                Column(f"level_{level}", Label(fr=f"Niveau {level}", en=f"Level {level}"))
                for level in levels
            ),
            Column("proficient_share", Label(fr="Part ≥ maîtrisé", en="Share proficient")),
            Column("with_target", Label(fr="Avec une cible", en="With a target")),
            Column("at_target_share", Label(fr="Part ≥ cible", en="Share at target")),
            Column("evidenced", Label(fr="Avec un niveau attesté", en="With evidence")),
            Column(
                "mean_evidenced_level",
                Label(fr="Niveau attesté moyen", en="Mean evidenced level"),
            ),
            Column("compared", Label(fr="Comparés", en="Compared")),
            Column("over_confident", Label(fr="Surestiment", en="Over-confident")),
            Column("under_confident", Label(fr="Sous-estiment", en="Under-confident")),
            Column(
                "mean_self_minus_evidenced",
                Label(fr="Écart moyen auto − attesté", en="Mean self − evidenced"),
            ),
        ]


@extend_validation_errors(["invalid_period"], field_name="until", methods=["get"])
class TrainingEffectReportView(ReportView):
    """Per session (or module) and competency it teaches: for the participants who rated
    themselves both before the session started and after it ended, the latest rating before
    against the first after — n, mean before, mean after and their difference."""

    query_serializer = TrainingEffectQuery
    filename = "training-effect"
    report = effect.training_effect_report

    @extend_schema(
        summary="Training effect report",
        parameters=[TrainingEffectQuery],
        responses=report_responses(TrainingEffectReportSerializer),
    )
    def get(self, request: Request) -> HttpResponseBase:
        return super().get(request)

    def export_columns(self, data: dict[str, Any]) -> list[Column]:
        return [
            GROUP,
            *COMPETENCY_COLUMNS,
            Column("n", Label(fr="Participants comparés", en="Participants compared")),
            Column("mean_before", Label(fr="Moyenne avant", en="Mean before")),
            Column("mean_after", Label(fr="Moyenne après", en="Mean after")),
            Column("delta", Label(fr="Évolution", en="Change")),
            Column("improved", Label(fr="En progrès", en="Improved")),
            Column("unchanged", Label(fr="Stables", en="Unchanged")),
            Column("declined", Label(fr="En recul", en="Declined")),
        ]


@extend_validation_errors(["invalid_period"], field_name="until", methods=["get"])
class SessionsReportView(ReportView):
    """By organiser, format and month (or year): sessions planned, confirmed, held and
    cancelled (by cause), places, enrolled and waitlisted, fill, attendance and completion
    rates. Partner centres get their own sessions."""

    query_serializer = SessionsQuery
    filename = "sessions"
    report = sessions.sessions_report

    @extend_schema(
        summary="Sessions report",
        parameters=[SessionsQuery],
        responses=report_responses(SessionsReportSerializer),
    )
    def get(self, request: Request) -> HttpResponseBase:
        return super().get(request)

    def export_rows(self, data: dict[str, Any]) -> Iterator[dict[str, Any]]:
        for row in data["rows"]:
            causes = {f"cause_{cause}": n for cause, n in row["cancelled_by_cause"].items()}
            yield {**row, **causes}

    def export_columns(self, data: dict[str, Any]) -> list[Column]:
        return [
            Column("organiser_name", Label(fr="Organisateur", en="Organiser")),
            Column("format_label", Label(fr="Format", en="Format")),
            Column("period", Label(fr="Période", en="Period")),
            Column("planned", Label(fr="Programmées", en="Planned")),
            Column("confirmed", Label(fr="Confirmées", en="Confirmed")),
            Column("held", Label(fr="Tenues", en="Held")),
            Column("cancelled", Label(fr="Annulées", en="Cancelled")),
            *(
                Column(
                    f"cause_{cause}",
                    Label(fr=f"Annulées : {label.fr}", en=f"Cancelled: {label.en}"),
                )
                for cause, label in CAUSES.items()
            ),
            Column("places", Label(fr="Places", en="Places")),
            Column("enrolled", Label(fr="Inscrits", en="Enrolled")),
            Column("waitlisted", Label(fr="En liste d'attente", en="Waitlisted")),
            Column("fill_rate", Label(fr="Taux de remplissage", en="Fill rate")),
            Column("present", Label(fr="Présents", en="Present")),
            Column("attendance_rate", Label(fr="Taux de présence", en="Attendance rate")),
            Column("completed", Label(fr="Ont terminé", en="Completed")),
            Column("completion_rate", Label(fr="Taux d'achèvement", en="Completion rate")),
        ]


@extend_validation_errors(["invalid_period"], field_name="until", methods=["get"])
class SkillsChartView(ReportView):
    """The skills report as a heatmap: one row per competency, one column per group, each
    cell the group's mean self-assessed level (with the number of providers behind it)."""

    query_serializer = SkillsChartQuery
    report = skills.skills_report

    @extend_schema(
        summary="Skills heatmap",
        operation_id="reports_skills_chart",
        parameters=[SkillsChartQuery],
        responses={(200, SVG): OpenApiTypes.STR},
    )
    def get(self, request: Request) -> HttpResponseBase:
        params = self.params(request)
        data = type(self).report(user=request.user, params=params)
        cells = {(row["group"], row["competency"]): row for row in data["rows"]}
        competencies, groups = data["competencies"], data["groups"]
        svg = charts.heatmap_svg(
            title=str(HEATMAP_TITLE),
            scale_max=max((max(c["scale"], default=0) for c in competencies), default=0),
            row_labels=[c["name"] for c in competencies],
            column_labels=[g["label"] for g in groups],
            cells=[
                [_heat_cell(cells.get((g["key"], c["id"]))) for g in groups] for c in competencies
            ],
        )
        return HttpResponse(svg, content_type=SVG)


HEATMAP_TITLE = Label(fr="Niveau moyen auto-évalué", en="Mean self-assessed level")


def _heat_cell(row: dict[str, Any] | None) -> charts.HeatCell:
    if row is None:
        return charts.HeatCell(mean=None, n=0)
    return charts.HeatCell(mean=row["mean_level"], n=row["assessed"])


PROGRESS_TITLE = Label(fr="Progression de {name}", en="Progress of {name}")


class ProviderProgressChartView(APIView):
    """A provider's progress as a bar chart: per competency the latest self-assessed level,
    the level evidenced by completed modules, and a mark at their paths' target. The same
    people may read it as `providers/{id}/progress/`."""

    permission_classes = [IsAuthenticated]
    content_negotiation_class = IgnoreClientContentNegotiation
    schema_tags = ["progress"]

    @extend_schema(
        summary="Get a provider's progress chart",
        operation_id="providers_progress_chart",
        responses={(200, SVG): OpenApiTypes.STR},
    )
    def get(self, request: Request, pk: int) -> HttpResponseBase:
        provider = get_object_or_404(
            progress_selectors.progress_providers(user=request.user), pk=pk
        )
        progress = progress_selectors.provider_progress(provider_id=provider.pk)
        assert progress is not None  # the provider was just read
        levels = ProficiencyLevel.objects.filter(
            framework__code__in={row["framework"] for row in progress["competencies"]}
        )
        svg = charts.progress_svg(
            title=str(PROGRESS_TITLE).format(name=provider),
            scale_max=levels.aggregate(top=Max("value"))["top"] or 0,
            bars=[
                charts.ProgressBar(
                    label=row["name"],
                    self_assessed=row["self_assessed_level"],
                    evidenced=row["evidenced_level"],
                    target=row["target_level"],
                )
                for row in progress["competencies"]
            ],
        )
        return HttpResponse(svg, content_type=SVG)
