"""The delivery log, which partners read, keeps no detail of what the network said."""

from typing import Any

from django.db import migrations


def errors_not_detailed(apps: Any, schema_editor: Any) -> None:
    WebhookDelivery = apps.get_model("integrations", "WebhookDelivery")
    WebhookDelivery.objects.exclude(last_error="").update(last_error="Not delivered.")


class Migration(migrations.Migration):
    dependencies = [("integrations", "0004_participant_status")]

    operations = [migrations.RunPython(errors_not_detailed, migrations.RunPython.noop)]
