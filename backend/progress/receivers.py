"""Standings follow every write that moves an evidenced or a target level, and the kept
progress profiles (progress.profile_cache) every write that moves what a profile shows.

They listen to the models' own signals (so the services, the admin and any other
ORM write are followed) and to training's `records_written` for its bulk writes,
which send none. Each receiver runs inside the writer's transaction, so a write
and the standings it moves commit (or roll back) together. See progress.standings.
"""

from typing import Any

from django.db.models.signals import m2m_changed, post_delete, post_save

from catalogue import signals as catalogue_signals
from catalogue.models import ModuleCompetency, PathTarget
from people.models import Provider
from progress import profile_cache, standings
from progress.models import CurrentLevel, SelfAssessment
from training.models import Completion, Enrolment, Session
from training.signals import records_written

COMPLETED_MODULE = "SELECT provider_id FROM training_completion WHERE module_id = %s"
FOLLOWING_PATH = (
    "SELECT provider_id FROM people_provider_assigned_paths WHERE learningpath_id = %s "
    "UNION SELECT e.provider_id FROM training_enrolment e "
    "JOIN training_session s ON s.id = e.session_id WHERE s.path_id = %s"
)
IN_SESSION = "SELECT provider_id FROM training_enrolment WHERE session_id = %s"


def on_completion(instance: Completion, **kwargs: Any) -> None:
    """A completion recorded, voided or removed moves its provider's evidenced levels."""
    standings.refresh_evidence([instance.provider_id])
    profile_cache.invalidate([instance.provider_id])


def on_completions(records: list[Completion], **kwargs: Any) -> None:
    """The same for completions written in bulk."""
    provider_ids = {record.provider_id for record in records}
    standings.refresh_evidence(provider_ids, {record.module_id for record in records})
    profile_cache.invalidate(provider_ids)


def on_enrolment(instance: Enrolment, **kwargs: Any) -> None:
    """An enrolment (in a path session) made, cancelled or promoted moves its targets, and
    the places left that any profile may recommend."""
    standings.refresh_targets([instance.provider_id])
    profile_cache.invalidate_all()


def on_session_saved(instance: Session, created: bool, update_fields: Any, **kwargs: Any) -> None:
    """A session's path may have changed: its participants' targets follow. Any profile
    may recommend the session."""
    profile_cache.invalidate_all()
    if created or (update_fields is not None and "path" not in update_fields):
        return
    standings.refresh_targets_where(IN_SESSION, [instance.pk])


def on_assigned_paths(
    instance: Any, action: str, reverse: bool, pk_set: set[int] | None, **kwargs: Any
) -> None:
    """Paths assigned to or taken from providers move their targets."""
    if not reverse:
        if action in ("post_add", "post_remove", "post_clear"):
            standings.refresh_targets([instance.pk])
            profile_cache.invalidate([instance.pk])
        return
    # From the path's side: `path.providers.clear()` names nobody, so remember them first.
    if action == "pre_clear":
        instance._cleared_providers = list(instance.assigned_providers.values_list("pk", flat=True))
    elif action == "post_clear":
        cleared = getattr(instance, "_cleared_providers", [])
        standings.refresh_targets(cleared)
        profile_cache.invalidate(cleared)
    elif action in ("post_add", "post_remove") and pk_set:
        standings.refresh_targets(pk_set)
        profile_cache.invalidate(pk_set)


def on_module_competency(instance: ModuleCompetency, **kwargs: Any) -> None:
    """What a module teaches moved: the evidenced levels of those who completed it follow."""
    standings.refresh_evidence_where(COMPLETED_MODULE, [instance.module_id])


def on_path_target(instance: PathTarget, **kwargs: Any) -> None:
    """A path's target moved: the targets of those following it follow."""
    standings.refresh_targets_where(FOLLOWING_PATH, [instance.path_id, instance.path_id])


def on_catalogue(**kwargs: Any) -> None:
    """Any write to the catalogue (names, what a module teaches, a path's targets, ...):
    kept profiles are no longer served (they are not keyed by the catalogue's version)."""
    profile_cache.invalidate_all()


def on_session_deleted(instance: Session, **kwargs: Any) -> None:
    """A session removed leaves the profiles that recommended it."""
    profile_cache.invalidate_all()


def on_provider_fact(instance: Any, **kwargs: Any) -> None:
    """A self-assessment or a standing written or removed outside progress.services (the
    admin, an erasure, a removal), or the provider themself removed."""
    profile_cache.invalidate(
        [instance.provider_id if hasattr(instance, "provider_id") else instance.pk]
    )


def connect() -> None:
    records_written.connect(on_completions, sender=Completion, dispatch_uid="standings-bulk")
    post_save.connect(on_session_saved, sender=Session, dispatch_uid="standings-session")
    post_delete.connect(on_session_deleted, sender=Session, dispatch_uid="answers-session")
    post_delete.connect(on_provider_fact, sender=Provider, dispatch_uid="answers-provider")
    for fact in (SelfAssessment, CurrentLevel):
        for signal in (post_save, post_delete):
            signal.connect(on_provider_fact, sender=fact, dispatch_uid=f"answers-{fact.__name__}")
    for watched in catalogue_signals.WATCHED:
        for signal in (post_save, post_delete):
            signal.connect(on_catalogue, sender=watched, dispatch_uid=f"answers-{watched.__name__}")
    m2m_changed.connect(
        on_assigned_paths, sender=Provider.assigned_paths.through, dispatch_uid="standings-paths"
    )
    for model, receiver in (
        (Completion, on_completion),
        (Enrolment, on_enrolment),
        (ModuleCompetency, on_module_competency),
        (PathTarget, on_path_target),
    ):
        for signal in (post_save, post_delete):
            signal.connect(receiver, sender=model, dispatch_uid=f"standings-{model.__name__}")
