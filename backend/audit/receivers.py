"""Every write to the audited models becomes an AuditEvent, in the writer's transaction.

Model signals cover the services, the admin and any ORM write;
`training.signals.written_in_bulk` and `progress.signals.self_assessments_recorded`
cover their bulk writes, which send none. An update records the
fields that changed, read just before the save (one query).
"""

import datetime as dt
import decimal
import functools
from typing import Any

from django.apps import apps
from django.db import models
from django.db.models.signals import post_delete, post_save, pre_save

from audit.context import actor
from audit.models import AuditEvent
from audit.services import audit_events_insert
from progress.signals import self_assessments_recorded
from training.signals import written_in_bulk

AUDITED = [
    "training.Session",
    "training.Enrolment",
    "training.Completion",
    "progress.SelfAssessment",
    "accounts.User",
    "integrations.PartnerClient",
]
# Never written to the trail: a change is recorded as changed, not its value.
SECRET = {"password"}
# Moves on every save, or follows another field: not a change worth recording.
IGNORED = {"updated_at", "last_login", "username_key"}
DATES = (dt.datetime, dt.date)


# How a value of each plain type is written: as it is, or as text. Looked up by its exact
# type first (a bulk push writes 14,000 values); any other type is tested as before.
PLAIN: dict[type, Any] = {
    **dict.fromkeys((str, int, bool, float, type(None))),
    dt.datetime: dt.datetime.isoformat,
    dt.date: dt.date.isoformat,
    decimal.Decimal: str,
}


def _value(value: Any) -> Any:
    kind = type(value)
    if kind in PLAIN:
        write = PLAIN[kind]
        return value if write is None else write(value)
    if isinstance(value, DATES):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    return value


@functools.cache
def _fields(model: type[models.Model]) -> list[tuple[str, bool]]:
    """The fields a model's events show (their attribute names), and which are secret."""
    return [
        (field.attname, field.name in SECRET)
        for field in model._meta.concrete_fields
        if field.attname not in IGNORED
    ]


def _values(instance: models.Model) -> dict[str, Any]:
    # Read from the instance's dict where loaded: a foreign key's column is a descriptor,
    # called for each of a bulk write's thousands of values.
    loaded = instance.__dict__
    return {
        attname: "(set)"
        if secret
        else _value(loaded[attname] if attname in loaded else getattr(instance, attname))
        for attname, secret in _fields(type(instance))
    }


def _event(instance: models.Model, action: str, changes: dict[str, Any]) -> AuditEvent:
    return AuditEvent(
        record_type=instance._meta.label_lower,
        record_id=instance.pk,
        action=action,
        changes=changes,
        **actor(),
    )


def before_save(instance: models.Model, raw: bool = False, **kwargs: Any) -> None:
    if raw or instance.pk is None or instance._state.adding:
        return
    fields = [f.attname for f in instance._meta.concrete_fields if f.attname not in IGNORED]
    model = type(instance)
    before = model._default_manager.filter(pk=instance.pk).values(*fields).first()
    instance._audit_before = before  # type: ignore[attr-defined]


def after_save(instance: models.Model, created: bool, raw: bool = False, **kwargs: Any) -> None:
    if raw:
        return
    after = _values(instance)
    if created:
        _event(instance, "created", after).save()
        return
    before = getattr(instance, "_audit_before", None) or {}
    secrets = {f.attname for f in instance._meta.concrete_fields if f.name in SECRET}
    changes: dict[str, Any] = {}
    for name, value in after.items():
        if name in secrets:
            if before.get(name) != getattr(instance, name):
                changes[name] = ["(set)", "(changed)"]
        elif _value(before.get(name)) != value:
            changes[name] = [_value(before.get(name)), value]
    if changes:
        _event(instance, "updated", changes).save()


def after_delete(instance: models.Model, **kwargs: Any) -> None:
    _event(instance, "deleted", _values(instance)).save()


def after_bulk(records: list[models.Model], **kwargs: Any) -> None:
    """A bulk write's records: voided ones (live until this write) and new ones. A void
    changes the same fields as one voided alone; the voids of one write share their
    changes, built once."""
    voids: dict[tuple[Any, ...], dict[str, Any]] = {}

    def void_changes(record: Any) -> dict[str, Any]:
        key = (record.voided_at, record.voided_by_id, record.void_reason)
        if key not in voids:
            voids[key] = {
                "voided_at": [None, _value(record.voided_at)],
                "voided_by_id": [None, record.voided_by_id],
                "void_reason": ["", record.void_reason],
            }
        return voids[key]

    audit_events_insert(
        events=[
            (record._meta.label_lower, record.pk, "updated", void_changes(record))
            if getattr(record, "voided_at", None) is not None
            else (record._meta.label_lower, record.pk, "created", _values(record))
            for record in records
        ]
    )


def connect() -> None:
    for label in AUDITED:
        model = apps.get_model(label)
        uid = f"audit-{label}"
        pre_save.connect(before_save, sender=model, dispatch_uid=f"{uid}-pre")
        post_save.connect(after_save, sender=model, dispatch_uid=f"{uid}-save")
        post_delete.connect(after_delete, sender=model, dispatch_uid=f"{uid}-delete")
    written_in_bulk.connect(after_bulk, dispatch_uid="audit-bulk")
    self_assessments_recorded.connect(after_bulk, dispatch_uid="audit-self-assessments")
