"""Writes of partner clients (creation, the secret shown once, and revocation) and the
decisions on a centre's links to its participants."""

import secrets
from typing import Any

from django.db import transaction
from django.utils import timezone
from oauth2_provider.generators import generate_client_secret
from oauth2_provider.models import AccessToken, Application

from accounts.models import User
from api.errors import DomainError
from common.roles import Role
from integrations.models import LinkStatus, Participant, PartnerClient
from people.models import Organisation


@transaction.atomic
def partner_client_create(
    *, partner_centre: Organisation, name: str, actor: Any
) -> tuple[PartnerClient, str]:
    """Create an OAuth2 client for a centre; return it and its secret (never stored in clear)."""
    login = User.objects.create(
        username=f"client-{partner_centre.pk}-{secrets.token_hex(6)}",
        role=Role.PARTNER,
        partner_centre=partner_centre,
    )
    login.set_unusable_password()
    login.save(update_fields=["password"])
    secret = generate_client_secret()
    application = Application.objects.create(
        name=f"{partner_centre.name} – {name}",
        user=login,
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_CLIENT_CREDENTIALS,
        client_secret=secret,
        hash_client_secret=True,
    )
    client = PartnerClient.objects.create(
        partner_centre=partner_centre, name=name, application=application, created_by=actor
    )
    return client, secret


@transaction.atomic
def partner_client_revoke(*, client: PartnerClient) -> PartnerClient:
    """Revoke a client: its tokens stop working and it can get no new one."""
    client = PartnerClient.objects.select_for_update().get(pk=client.pk)
    if client.revoked_at is None:
        AccessToken.objects.filter(application=client.application).delete()
        application = client.application
        application.client_secret = generate_client_secret()  # nobody knows this one
        application.save(update_fields=["client_secret"])
        if application.user is not None:
            application.user.is_active = False
            application.user.save(update_fields=["is_active"])
        client.revoked_at = timezone.now()
        client.save(update_fields=["revoked_at"])
    return client


@transaction.atomic
def participant_link_decide(*, link: Participant, status: str, actor: Any) -> Participant:
    """Confirm or refuse a centre's pending link to a provider (the provider or a
    coordinator decides): confirmed, the centre may enrol them and record for them."""
    link = Participant.objects.select_for_update().get(pk=link.pk)
    if link.status != LinkStatus.PENDING:
        raise DomainError(f"This link is already {link.status}.", code="already_decided")
    link.status = status
    link.decided_at = timezone.now()
    link.decided_by = actor
    link.save(update_fields=["status", "decided_at", "decided_by"])
    return link
