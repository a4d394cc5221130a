"""The base serializer every Parcours serializer builds on."""

from typing import Any

from django.db import models
from rest_framework import serializers

from api.fields import (
    StrictBooleanField,
    StrictCharField,
    StrictDecimalField,
    StrictIntegerField,
    StrictPrimaryKeyRelatedField,
)


class StrictModelSerializer(serializers.ModelSerializer[Any]):
    """A ModelSerializer whose fields accept only the JSON type the schema shows."""

    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.CharField: StrictCharField,
        models.TextField: StrictCharField,
        models.SlugField: StrictCharField,
        models.EmailField: serializers.EmailField,
        models.IntegerField: StrictIntegerField,
        models.BigIntegerField: StrictIntegerField,
        models.SmallIntegerField: StrictIntegerField,
        models.PositiveIntegerField: StrictIntegerField,
        models.PositiveSmallIntegerField: StrictIntegerField,
        models.PositiveBigIntegerField: StrictIntegerField,
        models.DecimalField: StrictDecimalField,
        models.BooleanField: StrictBooleanField,
    }
    serializer_related_field = StrictPrimaryKeyRelatedField
