"""What runs when a write moves a provider's competency levels or what their profile shows.

Connected by `connect()`, which `ProgressConfig.ready()` calls. Each receiver runs inside
the writer's transaction, so a write and the levels it moves commit (or roll back)
together. They listen to the models' own signals (so the services, the admin and any
other ORM write are followed) and to `training.signals.written_in_bulk` for training's
bulk writes, which send none.

Each receiver, what it follows, and what it does:

- `refresh_evidence_after_completion` (a completion saved or deleted): its provider's
  evidenced levels recomputed, their cached profile dropped;
- `refresh_evidence_after_bulk_completions` (completions written in bulk): the same,
  only in the competencies their modules teach;
- `refresh_targets_after_enrolment` (an enrolment saved or deleted): its provider's
  target levels recomputed, every cached profile dropped (the places left moved);
- `refresh_targets_after_session_change` (a session saved): every cached profile
  dropped, and its participants' target levels recomputed if its path may have moved;
- `refresh_targets_after_path_assignment` (paths assigned to or taken from
  providers): their target levels recomputed, their cached profiles dropped;
- `refresh_evidence_after_module_competency_change` (what a module teaches moved):
  the evidenced levels of those who completed it recomputed;
- `refresh_targets_after_path_target_change` (a path's target moved): the target
  levels of those following the path recomputed;
- `forget_profiles_after_catalogue_change` (any catalogue write): every cached profile
  dropped;
- `forget_profiles_after_session_deletion` (a session deleted): every cached profile
  dropped;
- `forget_profile_after_provider_data_change` (a self-assessment or a competency level
  saved or deleted outside the services, or a provider deleted): that provider's cached
  profile dropped.

See progress.competency_levels for the refreshes, progress.profile_cache for the cached profiles.
"""

from typing import Any

from django.db.models.signals import m2m_changed, post_delete, post_save

from catalogue import signals as catalogue_signals
from catalogue.models import ModuleCompetency, PathTarget
from people.models import Provider
from progress import competency_levels, profile_cache
from progress.models import ProviderCompetencyLevel, SelfAssessment
from progress.paths import path_followers
from training.models import Completion, Enrolment, Session
from training.signals import written_in_bulk


def refresh_evidence_after_completion(instance: Completion, **kwargs: Any) -> None:
    """A completion recorded, voided or removed moves its provider's evidenced levels."""
    competency_levels.refresh_evidence([instance.provider_id])
    profile_cache.invalidate([instance.provider_id])


def refresh_evidence_after_bulk_completions(records: list[Completion], **kwargs: Any) -> None:
    """The same for completions written in bulk."""
    provider_ids = {record.provider_id for record in records}
    competency_levels.refresh_evidence(provider_ids, {record.module_id for record in records})
    profile_cache.invalidate(provider_ids)


def refresh_targets_after_enrolment(instance: Enrolment, **kwargs: Any) -> None:
    """An enrolment (in a path session) made, cancelled or promoted moves its targets, and
    the places left that any profile may recommend."""
    competency_levels.refresh_targets([instance.provider_id])
    profile_cache.invalidate_all()


def refresh_targets_after_session_change(
    instance: Session, created: bool, update_fields: Any, **kwargs: Any
) -> None:
    """A session's path may have changed: its participants' targets follow. Any profile
    may recommend the session."""
    profile_cache.invalidate_all()
    if created or (update_fields is not None and "path" not in update_fields):
        return
    competency_levels.refresh_targets_of(
        Enrolment.objects.filter(session_id=instance.pk).values("provider_id")
    )


def refresh_targets_after_path_assignment(
    instance: Any, action: str, reverse: bool, pk_set: set[int] | None, **kwargs: Any
) -> None:
    """Paths assigned to or taken from providers move their targets."""
    if not reverse:
        if action in ("post_add", "post_remove", "post_clear"):
            competency_levels.refresh_targets([instance.pk])
            profile_cache.invalidate([instance.pk])
        return
    # From the path's side: `path.providers.clear()` names nobody, so remember them first.
    if action == "pre_clear":
        instance._cleared_providers = list(instance.assigned_providers.values_list("pk", flat=True))
    elif action == "post_clear":
        cleared = getattr(instance, "_cleared_providers", [])
        competency_levels.refresh_targets(cleared)
        profile_cache.invalidate(cleared)
    elif action in ("post_add", "post_remove") and pk_set:
        competency_levels.refresh_targets(pk_set)
        profile_cache.invalidate(pk_set)


def refresh_evidence_after_module_competency_change(
    instance: ModuleCompetency, **kwargs: Any
) -> None:
    """What a module teaches moved: the evidenced levels of those who completed it follow."""
    competency_levels.refresh_evidence_of(
        Completion.objects.filter(module_id=instance.module_id).values("provider_id")
    )


def refresh_targets_after_path_target_change(instance: PathTarget, **kwargs: Any) -> None:
    """A path's target moved: the targets of those following it follow."""
    competency_levels.refresh_targets_of(path_followers(instance.path_id).values("pk"))


def forget_profiles_after_catalogue_change(**kwargs: Any) -> None:
    """Any write to the catalogue (names, what a module teaches, a path's targets, ...):
    cached profiles are no longer served (they are not keyed by the catalogue's version)."""
    profile_cache.invalidate_all()


def forget_profiles_after_session_deletion(instance: Session, **kwargs: Any) -> None:
    """A session removed leaves the profiles that recommended it."""
    profile_cache.invalidate_all()


def forget_profile_after_provider_data_change(instance: Any, **kwargs: Any) -> None:
    """A self-assessment or a competency level written or removed outside progress.services (the
    admin, an erasure, a removal), or the provider themself removed."""
    profile_cache.invalidate(
        [instance.provider_id if hasattr(instance, "provider_id") else instance.pk]
    )


def connect() -> None:
    """Connect every receiver above to the signals it follows."""
    written_in_bulk.connect(
        refresh_evidence_after_bulk_completions,
        sender=Completion,
        dispatch_uid="competency-levels-bulk",
    )
    post_save.connect(
        refresh_targets_after_session_change,
        sender=Session,
        dispatch_uid="competency-levels-session",
    )
    post_delete.connect(
        forget_profiles_after_session_deletion, sender=Session, dispatch_uid="profiles-session"
    )
    post_delete.connect(
        forget_profile_after_provider_data_change, sender=Provider, dispatch_uid="profiles-provider"
    )
    for provider_data in (SelfAssessment, ProviderCompetencyLevel):
        for signal in (post_save, post_delete):
            signal.connect(
                forget_profile_after_provider_data_change,
                sender=provider_data,
                dispatch_uid=f"profiles-{provider_data.__name__}",
            )
    for watched in catalogue_signals.WATCHED:
        for signal in (post_save, post_delete):
            signal.connect(
                forget_profiles_after_catalogue_change,
                sender=watched,
                dispatch_uid=f"profiles-{watched.__name__}",
            )
    m2m_changed.connect(
        refresh_targets_after_path_assignment,
        sender=Provider.assigned_paths.through,
        dispatch_uid="competency-levels-paths",
    )
    for model, receiver in (
        (Completion, refresh_evidence_after_completion),
        (Enrolment, refresh_targets_after_enrolment),
        (ModuleCompetency, refresh_evidence_after_module_competency_change),
        (PathTarget, refresh_targets_after_path_target_change),
    ):
        for signal in (post_save, post_delete):
            signal.connect(
                receiver, sender=model, dispatch_uid=f"competency-levels-{model.__name__}"
            )
