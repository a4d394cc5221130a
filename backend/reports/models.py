"""Counts kept for the skills report, so that it never sums every provider's competency levels."""

from django.db import models


class SkillCount(models.Model):
    """What the competency levels (progress.ProviderCompetencyLevel) of one group of providers
    add up to in one competency: the figures of the skills report, before they are
    divided, and how many rate themselves at each level (`level_0` to `level_20`, every
    level a scale may have).

    Written by PostgreSQL triggers only (reports.skill_counts; their SQL frozen in the
    migrations): every insert, update or delete of a competency level, and every move of
    a provider to another business or of a business to another office, commune or
    sector, adds the difference it makes, in the writer's own statement. On PostgreSQL
    rows are only ever appended, so writers never wait on each other; reading sums them,
    after `skill_counts.compact` has merged them (before each read). On SQLite, with one writer
    at a time, the triggers add to the cell's one row.
    """

    grouping = models.CharField(max_length=8)
    # The office's id, the commune or the sector; "" for providers with none.
    group_key = models.CharField(max_length=120)
    competency_id = models.BigIntegerField()
    assessed = models.IntegerField()
    level_sum = models.IntegerField()
    with_target = models.IntegerField()
    at_target = models.IntegerField()
    evidenced = models.IntegerField()
    evidenced_sum = models.IntegerField()
    compared = models.IntegerField()
    over_confident = models.IntegerField()
    under_confident = models.IntegerField()
    difference_sum = models.IntegerField()
    # False for the differences appended by writers, true once merged.
    merged = models.BooleanField(default=False)

    class Meta:
        # The table keeps the model's first name: the triggers frozen in migrations name it.
        db_table = "reports_skilltally"
        indexes = [
            models.Index(fields=["grouping", "group_key", "competency_id"], name="skilltally_cell"),
            models.Index(
                fields=["grouping", "group_key", "competency_id"],
                condition=models.Q(merged=False),
                name="skilltally_unmerged",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.grouping} {self.group_key or '-'} {self.competency_id}"


# A framework's levels are 0 to 20 (catalogue.ProficiencyLevel's check constraint).
LEVELS = range(21)
for value in LEVELS:
    SkillCount.add_to_class(f"level_{value}", models.IntegerField())


class GroupSize(models.Model):
    """How many providers one group has (by their business), kept like SkillCount."""

    grouping = models.CharField(max_length=8)
    group_key = models.CharField(max_length=120)
    providers = models.IntegerField()
    merged = models.BooleanField(default=False)

    class Meta:
        indexes = [
            models.Index(
                fields=["grouping", "group_key"],
                condition=models.Q(merged=False),
                name="groupsize_unmerged",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.grouping} {self.group_key or '-'}: {self.providers}"
