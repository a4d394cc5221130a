"""Representations of organisations, businesses, providers and trainers."""

from typing import Any

from rest_framework import serializers

from api.serializers import StrictModelSerializer
from people.models import Business, Organisation, OrganisationKind, Provider, Trainer
from people.selectors import provider_list


class VisibleProviderField(serializers.PrimaryKeyRelatedField):
    """A provider named by id among those the caller may see (`provider_list`): another's
    id is answered as an unknown one (`does_not_exist`), never silently replaced."""

    queryset = Provider.objects.all()  # the model, for the schema; requests read the below

    def get_queryset(self) -> Any:
        request = self.context.get("request")
        if request is None:
            return Provider.objects.none()
        # Only the row is read: the list's prefetched paths would cost a query more.
        return provider_list(user=request.user).prefetch_related(None)


class OrganisationSerializer(StrictModelSerializer):
    """The tourism office, an information office, or a partner training centre."""

    class Meta:
        model = Organisation
        fields = ["id", "name", "kind", "parent", "commune", "created_at", "updated_at"]
        extra_kwargs = {"commune": {"required": False}}

    def validate_name(self, value: str) -> str:
        others = Organisation.objects.filter(name=value)
        if self.instance is not None:
            others = others.exclude(pk=self.instance.pk)
        if others.exists():
            raise serializers.ValidationError("An organisation has this name.", code="unique")
        return value

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        parent = attrs.get("parent", getattr(self.instance, "parent", None))
        if parent is not None and self.instance is not None and parent.pk == self.instance.pk:
            raise serializers.ValidationError(
                {"parent": "An organisation cannot be its own parent."}, code="invalid_parent"
            )
        return attrs


class BusinessSerializer(StrictModelSerializer):
    """A provider's establishment and the information office that follows it."""

    office_name = serializers.CharField(source="office.name", read_only=True)

    class Meta:
        model = Business
        fields = [
            "id",
            "name",
            "sector",
            "commune",
            "office",
            "office_name",
            "created_at",
            "updated_at",
        ]

    def validate_office(self, office: Organisation) -> Organisation:
        if office.kind == OrganisationKind.PARTNER_CENTRE:
            raise serializers.ValidationError(
                "A business is followed by the office or one of its information offices.",
                code="wrong_kind",
            )
        return office


class ProviderSerializer(StrictModelSerializer):
    """A learner: name, contact, business, consent, and the paths assigned to them."""

    business_name = serializers.CharField(
        source="business.name", read_only=True, default=None, allow_null=True
    )
    email = serializers.EmailField(max_length=254)

    class Meta:
        model = Provider
        fields = [
            "id",
            "first_name",
            "last_name",
            "email",
            "phone",
            "business",
            "business_name",
            "shares_progress_with_partners",
            "assigned_paths",
            "created_at",
            "updated_at",
        ]
        extra_kwargs = {"phone": {"required": False}, "assigned_paths": {"required": False}}

    def validate_email(self, value: str) -> str:
        others = Provider.objects.filter(email__iexact=value)
        if self.instance is not None:
            others = others.exclude(pk=self.instance.pk)
        if others.exists():
            raise serializers.ValidationError("A provider has this email.", code="unique")
        return value.strip().lower()


class ProviderSelfSerializer(ProviderSerializer):
    """What a provider may change in their own profile: name, phone and consent."""

    email = serializers.EmailField(read_only=True)

    class Meta(ProviderSerializer.Meta):
        read_only_fields = ["email", "business", "assigned_paths"]


class TrainerSerializer(StrictModelSerializer):
    """A trainer and their organisation; facilitators belong to the office."""

    organisation_name = serializers.CharField(source="organisation.name", read_only=True)
    is_facilitator = serializers.BooleanField(read_only=True)
    email = serializers.EmailField(max_length=254)

    class Meta:
        model = Trainer
        fields = [
            "id",
            "first_name",
            "last_name",
            "email",
            "organisation",
            "organisation_name",
            "is_facilitator",
            "created_at",
            "updated_at",
        ]

    def validate_email(self, value: str) -> str:
        others = Trainer.objects.filter(email__iexact=value)
        if self.instance is not None:
            others = others.exclude(pk=self.instance.pk)
        if others.exists():
            raise serializers.ValidationError("A trainer has this email.", code="unique")
        return value.strip().lower()
