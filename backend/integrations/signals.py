"""Integrations listen to the training services' announcements."""

from typing import Any

from django.dispatch import receiver

from integrations.webhooks import deliveries_create_batches
from training.signals import training_event


@receiver(training_event)
def queue_webhooks(sender: Any, batches: list[tuple[str, list[Any]]], **kwargs: Any) -> None:
    deliveries_create_batches(batches)
