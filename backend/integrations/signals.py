"""Integrations listen to the training services' announcements."""

from typing import Any

from django.dispatch import receiver

from integrations.webhooks import deliveries_create
from training.signals import training_event


@receiver(training_event)
def queue_webhooks(sender: Any, event: str, record: Any, **kwargs: Any) -> None:
    deliveries_create(event=event, record=record)
