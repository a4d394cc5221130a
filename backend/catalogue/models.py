"""The competency framework and the catalogue that teaches it.

Translated texts (`name`, `description`, `descriptor`, `title`) are registered
with django-modeltranslation in `translation.py`: each has a `_fr` and an `_en`
column; reading the plain name gives the active language, falling back to French.

Every level stored outside the scale itself (per-level descriptors, levels
taught, prerequisites, path targets) must be a level of the competency's
framework; database triggers (`catalogue/migrations/0002_db_guards.py`) refuse any other.
"""

from django.db import models
from django.db.models import Q


class Framework(models.Model):
    """A competency framework and its proficiency scale (levels 0..n)."""

    code = models.CharField("code", max_length=40, unique=True)
    name = models.CharField("nom", max_length=200)
    description = models.TextField("description", blank=True, default="")
    proficient_level = models.PositiveSmallIntegerField(
        "premier niveau « maîtrisé »",
        help_text="Le premier niveau de l'échelle qui compte comme maîtrisé.",
    )
    is_active = models.BooleanField("actif", default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "référentiel"
        verbose_name_plural = "référentiels"
        ordering = ["code"]

    def __str__(self) -> str:
        return str(self.name)


class ProficiencyLevel(models.Model):
    """One step of a framework's scale, with the words that make it mean the same to all."""

    framework = models.ForeignKey(
        Framework, on_delete=models.CASCADE, related_name="levels", verbose_name="référentiel"
    )
    value = models.PositiveSmallIntegerField("niveau")
    code = models.CharField("code", max_length=40)
    name = models.CharField("nom", max_length=100)
    descriptor = models.TextField("descripteur", blank=True, default="")

    class Meta:
        verbose_name = "niveau de maîtrise"
        verbose_name_plural = "niveaux de maîtrise"
        ordering = ["framework", "value"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "value"], name="level_value_unique"),
            models.UniqueConstraint(fields=["framework", "code"], name="level_code_unique"),
            models.CheckConstraint(condition=Q(value__lte=20), name="level_value_range"),
        ]

    def __str__(self) -> str:
        return f"{self.value} – {self.name}"


class Area(models.Model):
    """A group of competencies in a framework (strategy, social networks, …)."""

    framework = models.ForeignKey(
        Framework, on_delete=models.CASCADE, related_name="areas", verbose_name="référentiel"
    )
    code = models.CharField("code", max_length=40)
    name = models.CharField("nom", max_length=200)
    order = models.PositiveSmallIntegerField("ordre", default=0)

    class Meta:
        verbose_name = "domaine"
        verbose_name_plural = "domaines"
        ordering = ["framework", "order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "code"], name="area_code_unique"),
        ]

    def __str__(self) -> str:
        return str(self.name)


class Competency(models.Model):
    """Something a provider can do, rated on its framework's scale."""

    framework = models.ForeignKey(
        Framework, on_delete=models.PROTECT, related_name="competencies", verbose_name="référentiel"
    )
    area = models.ForeignKey(
        Area, on_delete=models.PROTECT, related_name="competencies", verbose_name="domaine"
    )
    code = models.CharField("code", max_length=40)
    name = models.CharField("nom", max_length=200)
    description = models.TextField("description", blank=True, default="")
    order = models.PositiveSmallIntegerField("ordre", default=0)
    is_active = models.BooleanField("active", default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "compétence"
        verbose_name_plural = "compétences"
        ordering = ["framework", "order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "code"], name="competency_code_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.code} – {self.name}"


class CompetencyLevel(models.Model):
    """What a given level of the scale means for one competency."""

    competency = models.ForeignKey(
        Competency, on_delete=models.CASCADE, related_name="level_descriptors"
    )
    level = models.PositiveSmallIntegerField("niveau")
    descriptor = models.TextField("descripteur")

    class Meta:
        verbose_name = "descripteur de niveau"
        verbose_name_plural = "descripteurs de niveau"
        ordering = ["competency", "level"]
        constraints = [
            models.UniqueConstraint(fields=["competency", "level"], name="competency_level_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.competency.code} {self.level}"


class ModuleFormat(models.TextChoices):
    TRAINING_DAY = "training_day", "Journée de formation"
    WORKSHOP = "workshop", "Atelier"
    CONFERENCE = "conference", "Conférence"
    CLUB = "club", "Klub numérique"
    ELEARNING = "elearning", "E-learning"


class Module(models.Model):
    """A teachable unit of the catalogue: a training day, a workshop, a conference, …"""

    code = models.CharField("code", max_length=40, unique=True)
    title = models.CharField("titre", max_length=200)
    description = models.TextField("description", blank=True, default="")
    format = models.CharField("format", max_length=20, choices=ModuleFormat.choices)
    duration_hours = models.DecimalField("durée (heures)", max_digits=5, decimal_places=1)
    price = models.DecimalField("prix (€)", max_digits=8, decimal_places=2, default=0)
    is_active = models.BooleanField("actif", default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "module"
        verbose_name_plural = "modules"
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(format__in=ModuleFormat.values), name="module_format_valid"
            ),
            models.CheckConstraint(condition=Q(duration_hours__gt=0), name="module_duration_gt0"),
            models.CheckConstraint(condition=Q(price__gte=0), name="module_price_gte0"),
        ]

    def __str__(self) -> str:
        return f"{self.code} – {self.title}"


class ModuleCompetency(models.Model):
    """A competency a module teaches, and the level a participant reaches."""

    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="taught")
    competency = models.ForeignKey(Competency, on_delete=models.PROTECT, related_name="taught_by")
    level = models.PositiveSmallIntegerField("niveau atteint")

    class Meta:
        verbose_name = "compétence enseignée"
        verbose_name_plural = "compétences enseignées"
        ordering = ["module", "competency__order", "competency__code"]
        constraints = [
            models.UniqueConstraint(fields=["module", "competency"], name="module_taught_unique"),
            models.CheckConstraint(condition=Q(level__gte=1), name="module_taught_level_gte1"),
        ]

    def __str__(self) -> str:
        return f"{self.module.code} → {self.competency.code} {self.level}"


class ModulePrerequisite(models.Model):
    """A level a participant should already have before taking a module."""

    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="prerequisites")
    competency = models.ForeignKey(Competency, on_delete=models.PROTECT, related_name="required_by")
    min_level = models.PositiveSmallIntegerField("niveau minimum")

    class Meta:
        verbose_name = "prérequis"
        verbose_name_plural = "prérequis"
        ordering = ["module", "competency__order", "competency__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["module", "competency"], name="module_prerequisite_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.module.code} ⇐ {self.competency.code} {self.min_level}"


class LearningPath(models.Model):
    """An ordered series of modules, with a target level per competency."""

    code = models.CharField("code", max_length=40, unique=True)
    name = models.CharField("nom", max_length=200)
    description = models.TextField("description", blank=True, default="")
    is_active = models.BooleanField("actif", default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "parcours"
        verbose_name_plural = "parcours"
        ordering = ["code"]

    def __str__(self) -> str:
        return str(self.name)


class PathStep(models.Model):
    """A module at a position in a learning path, required or optional."""

    path = models.ForeignKey(LearningPath, on_delete=models.CASCADE, related_name="steps")
    position = models.PositiveSmallIntegerField("position")
    module = models.ForeignKey(Module, on_delete=models.PROTECT, related_name="path_steps")
    is_required = models.BooleanField("obligatoire", default=True)

    class Meta:
        verbose_name = "étape"
        verbose_name_plural = "étapes"
        ordering = ["path", "position"]
        constraints = [
            models.UniqueConstraint(fields=["path", "position"], name="path_step_position_unique"),
            models.UniqueConstraint(fields=["path", "module"], name="path_step_module_unique"),
            models.CheckConstraint(condition=Q(position__gte=1), name="path_step_position_gte1"),
        ]

    def __str__(self) -> str:
        return f"{self.path.code} #{self.position}"


class PathTarget(models.Model):
    """The level a learning path aims for in one competency."""

    path = models.ForeignKey(LearningPath, on_delete=models.CASCADE, related_name="targets")
    competency = models.ForeignKey(Competency, on_delete=models.PROTECT, related_name="targeted_by")
    level = models.PositiveSmallIntegerField("niveau visé")

    class Meta:
        verbose_name = "objectif"
        verbose_name_plural = "objectifs"
        ordering = ["path", "competency__order", "competency__code"]
        constraints = [
            models.UniqueConstraint(fields=["path", "competency"], name="path_target_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.path.code} → {self.competency.code} {self.level}"


class CatalogueVersion(models.Model):
    """One row whose number grows with every change to the catalogue.

    Cached catalogue answers are keyed by it (see `catalogue.views`), so a change
    made through any server is seen by all at once.
    """

    version = models.PositiveBigIntegerField(default=0)

    class Meta:
        verbose_name = "version du catalogue"
        verbose_name_plural = "versions du catalogue"

    def __str__(self) -> str:
        return str(self.version)
