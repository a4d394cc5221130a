"""Training sessions, who enrolled in them, and who completed which module.

Sessions, enrolments and completions are read through `objects.visible_to(user)`: the
rows the caller may see (docs/architecture.md, "Authorization").
"""

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Exists, F, OuterRef, Q

from catalogue.models import LearningPath, Module
from common.roles import COORDINATOR, PARTNER, PROVIDER, TRAINER, role_of
from people.models import Organisation, Provider, Trainer


class Funding(models.TextChoices):
    FREE = "free", "Gratuit"
    PAID = "paid", "Payant"
    TRAINING_FUND = "training_fund", "Fonds de formation"
    SUBSIDISED = "subsidised", "Subventionné"


class SessionStatus(models.TextChoices):
    DRAFT = "draft", "Brouillon"
    OPEN = "open", "Ouverte"
    CONFIRMED = "confirmed", "Confirmée"
    CANCELLED = "cancelled", "Annulée"
    COMPLETED = "completed", "Terminée"


class CancelCause(models.TextChoices):
    """Why a session was cancelled, for the office's reports (the reason text is for people)."""

    TOO_FEW_PARTICIPANTS = "too_few_participants", "Pas assez de participants"
    TRAINER_UNAVAILABLE = "trainer_unavailable", "Formateur·rice indisponible"
    VENUE_UNAVAILABLE = "venue_unavailable", "Lieu indisponible"
    WEATHER = "weather", "Météo"
    OTHER = "other", "Autre"

    @property
    def label_en(self) -> str:
        """The cause's name in English (the choice's label is the French one)."""
        return CANCEL_CAUSES_IN_ENGLISH[self]


CANCEL_CAUSES_IN_ENGLISH = {
    CancelCause.TOO_FEW_PARTICIPANTS: "Too few participants",
    CancelCause.TRAINER_UNAVAILABLE: "Trainer unavailable",
    CancelCause.VENUE_UNAVAILABLE: "Venue unavailable",
    CancelCause.WEATHER: "Weather",
    CancelCause.OTHER: "Other",
}


# The sessions everyone may see.
PUBLIC_STATUSES = (SessionStatus.OPEN, SessionStatus.CONFIRMED)


class SessionQuerySet(models.QuerySet["Session"]):
    def visible_to(self, user: Any) -> "SessionQuerySet":
        """The sessions the caller may see: everyone the open and confirmed ones, a provider
        also those they enrolled in, a trainer those they train; coordinators all. A partner
        centre only the sessions it organises: it integrates its own data."""
        role = role_of(user)
        public = Q(status__in=PUBLIC_STATUSES)
        if role == COORDINATOR:
            return self
        if role == PROVIDER and user.provider_id:
            mine = Enrolment.objects.filter(session=OuterRef("pk"), provider_id=user.provider_id)
            return self.filter(public | Exists(mine))
        if role == TRAINER and user.trainer_id:
            # Exists, not a join: a join on trainers would multiply any head counts.
            trains = Session.trainers.through.objects.filter(
                session_id=OuterRef("pk"), trainer_id=user.trainer_id
            )
            return self.filter(public | Exists(trains))
        if role == PARTNER:
            return self.filter(organiser_id=user.partner_centre_id)
        return self.filter(public)


class Session(models.Model):
    """A scheduled run of a module or of a whole learning path."""

    module = models.ForeignKey(
        Module, on_delete=models.PROTECT, null=True, blank=True, related_name="sessions"
    )
    path = models.ForeignKey(
        LearningPath, on_delete=models.PROTECT, null=True, blank=True, related_name="sessions"
    )
    organiser = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="sessions", verbose_name="organisateur"
    )
    title = models.CharField("intitulé", max_length=200, blank=True, default="")
    venue = models.CharField("lieu", max_length=200)
    commune = models.CharField("commune", max_length=120)
    trainers = models.ManyToManyField(Trainer, blank=True, related_name="sessions")
    capacity = models.PositiveIntegerField("places")
    min_participants = models.PositiveIntegerField("minimum de participants", default=0)
    decision_date = models.DateField("date de décision", null=True, blank=True)
    price = models.DecimalField("prix (€)", max_digits=8, decimal_places=2, default=0)
    funding = models.CharField("financement", max_length=20, choices=Funding.choices)
    status = models.CharField(
        "statut", max_length=20, choices=SessionStatus.choices, default=SessionStatus.DRAFT
    )
    cancel_reason = models.CharField("motif d'annulation", max_length=300, blank=True, default="")
    cancel_cause = models.CharField(
        "cause d'annulation", max_length=30, choices=CancelCause.choices, blank=True, default=""
    )
    external_id = models.CharField("identifiant externe", max_length=100, null=True, blank=True)
    # Kept equal to the first and last slot by the services, for ordering and filtering.
    starts_at = models.DateTimeField("début", null=True, blank=True)
    ends_at = models.DateTimeField("fin", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = SessionQuerySet.as_manager()

    class Meta:
        verbose_name = "session"
        verbose_name_plural = "sessions"
        ordering = ["starts_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(module__isnull=False) & Q(path__isnull=True))
                | (Q(module__isnull=True) & Q(path__isnull=False)),
                name="session_module_xor_path",
            ),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="session_capacity_gte1"),
            models.CheckConstraint(
                condition=Q(min_participants__lte=F("capacity")), name="session_min_lte_capacity"
            ),
            models.CheckConstraint(condition=Q(price__gte=0), name="session_price_gte0"),
            models.CheckConstraint(
                condition=Q(status__in=SessionStatus.values), name="session_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(funding__in=Funding.values), name="session_funding_valid"
            ),
            models.CheckConstraint(
                condition=~Q(status=SessionStatus.CANCELLED) | ~Q(cancel_reason=""),
                name="session_cancelled_has_reason",
            ),
            models.CheckConstraint(
                condition=(
                    Q(status=SessionStatus.CANCELLED) & Q(cancel_cause__in=CancelCause.values)
                )
                | (~Q(status=SessionStatus.CANCELLED) & Q(cancel_cause="")),
                name="session_cancel_cause_valid",
            ),
            models.UniqueConstraint(
                fields=["organiser", "external_id"],
                condition=Q(external_id__isnull=False),
                name="session_external_id_unique_per_organiser",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "starts_at"], name="session_status_start"),
            # A module's next sessions (progress recommendations).
            models.Index(fields=["module", "starts_at"], name="session_module_start"),
            models.Index(fields=["updated_at", "id"], name="session_changes"),
        ]

    def __str__(self) -> str:
        return f"{self.title or self.module or self.path} – {self.commune}"


class SessionSlot(models.Model):
    """One dated part of a session (a day, an afternoon)."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="slots")
    starts_at = models.DateTimeField("début")
    ends_at = models.DateTimeField("fin")

    class Meta:
        verbose_name = "créneau"
        verbose_name_plural = "créneaux"
        ordering = ["session", "starts_at"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="slot_ends_after"),
        ]

    def __str__(self) -> str:
        return f"{self.starts_at:%Y-%m-%d %H:%M}"


class SessionRecordQuerySet(models.QuerySet[Any]):
    """The rows of a provider in a session (enrolments, completions), read by the caller."""

    def visible_to(self, user: Any) -> "SessionRecordQuerySet":
        """The records the caller may see: a provider their own, a trainer those of the
        sessions they train, a partner centre those of the sessions it organises;
        coordinators all."""
        role = role_of(user)
        if role == COORDINATOR:
            return self
        if role == PROVIDER and user.provider_id:
            return self.filter(provider_id=user.provider_id)
        if role == TRAINER and user.trainer_id:
            trained = Session.objects.filter(trainers=user.trainer_id).values("pk")
            return self.filter(session__in=trained)
        if role == PARTNER and user.partner_centre_id:
            return self.filter(session__organiser_id=user.partner_centre_id)
        return self.none()


class EnrolmentStatus(models.TextChoices):
    ENROLLED = "enrolled", "Inscrit·e"
    WAITLISTED = "waitlisted", "En liste d'attente"
    CANCELLED = "cancelled", "Annulée"


class Enrolment(models.Model):
    """A provider in a session: enrolled, on the waiting list (in arrival order), or cancelled."""

    session = models.ForeignKey(Session, on_delete=models.PROTECT, related_name="enrolments")
    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="enrolments")
    status = models.CharField("statut", max_length=20, choices=EnrolmentStatus.choices)
    enrolled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    external_id = models.CharField("identifiant externe", max_length=100, null=True, blank=True)
    # The partner centre whose software named this record with `external_id`.
    source_centre = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    cancelled_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = SessionRecordQuerySet.as_manager()

    class Meta:
        verbose_name = "inscription"
        verbose_name_plural = "inscriptions"
        ordering = ["session", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=EnrolmentStatus.values), name="enrolment_status_valid"
            ),
            models.UniqueConstraint(
                fields=["session", "provider"],
                condition=~Q(status=EnrolmentStatus.CANCELLED),
                name="enrolment_one_active_per_provider",
            ),
            models.UniqueConstraint(
                fields=["source_centre", "external_id"],
                condition=Q(external_id__isnull=False),
                name="enrolment_external_id_unique_per_centre",
            ),
        ]
        indexes = [
            models.Index(fields=["session", "status"], name="enrolment_session_status"),
            models.Index(fields=["updated_at", "id"], name="enrolment_changes"),
        ]

    def __str__(self) -> str:
        return f"{self.provider} @ {self.session_id} ({self.status})"


class Outcome(models.TextChoices):
    COMPLETED = "completed", "Terminé"
    ATTENDED = "attended", "Présent·e"
    ABSENT = "absent", "Absent·e"


class Source(models.TextChoices):
    TRAINER = "trainer", "Formateur·rice"
    PARTNER = "partner", "Centre partenaire"
    IMPORT = "import", "Import"


class Completion(models.Model):
    """Evidence of a provider's attendance of a module: completed, attended or absent.

    Never edited: a wrong record is voided with a reason and, if needed, a new
    one recorded. Only non-voided `completed` records count as evidence.
    """

    # Read through the (provider, module) index below, which serves a provider alone too:
    # an index of its own would cost every record written one more entry.
    provider = models.ForeignKey(
        Provider, on_delete=models.PROTECT, related_name="completions", db_index=False
    )
    module = models.ForeignKey(Module, on_delete=models.PROTECT, related_name="completions")
    session = models.ForeignKey(
        Session, on_delete=models.PROTECT, null=True, blank=True, related_name="completions"
    )
    completed_on = models.DateField("date")
    outcome = models.CharField("résultat", max_length=20, choices=Outcome.choices)
    source = models.CharField("source", max_length=20, choices=Source.choices)
    # The logins who recorded or voided a record have no index: nothing reads records by
    # them but a login's removal (rare, and then a scan), while every record written or
    # voided paid an entry in each (a push of 1,000 corrections, 2,000 entries).
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    external_id = models.CharField("identifiant externe", max_length=100, null=True, blank=True)
    # Read through the unique (centre, external id) index of live records. A plain index
    # on the centre would lead the planner to read a centre's whole history instead.
    source_centre = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    voided_at = models.DateTimeField(null=True, blank=True)
    voided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    void_reason = models.CharField("motif d'annulation", max_length=300, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = SessionRecordQuerySet.as_manager()

    class Meta:
        verbose_name = "réalisation"
        verbose_name_plural = "réalisations"
        ordering = ["-completed_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(outcome__in=Outcome.values), name="completion_outcome"
            ),
            models.CheckConstraint(condition=Q(source__in=Source.values), name="completion_source"),
            models.CheckConstraint(
                condition=Q(voided_at__isnull=True) | ~Q(void_reason=""),
                name="completion_void_has_reason",
            ),
            models.UniqueConstraint(
                fields=["provider", "module", "session"],
                condition=Q(voided_at__isnull=True, session__isnull=False),
                name="completion_one_live_per_session_module",
            ),
            models.UniqueConstraint(
                fields=["source_centre", "external_id"],
                condition=Q(external_id__isnull=False, voided_at__isnull=True),
                name="completion_external_id_unique_per_centre",
            ),
        ]
        indexes = [
            models.Index(fields=["provider", "module"], name="completion_provider_module"),
            # What a provider's completed modules evidence (progress.competency_levels).
            models.Index(
                fields=["provider", "module"],
                condition=Q(outcome="completed", voided_at__isnull=True),
                name="completion_evidence",
            ),
            models.Index(fields=["updated_at", "id"], name="completion_changes"),
        ]

    def __str__(self) -> str:
        return f"{self.provider} – {self.module.code} ({self.outcome})"
