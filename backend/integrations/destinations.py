"""Where webhooks may be sent: public addresses only.

A subscription names a URL that Parcours itself will call: without a check, a partner
could make the server reach what only it can reach (its database, Redis, a cloud's
metadata service at 169.254.169.254): a server-side request forgery (OWASP API7).

- When a subscription is saved, an address given as an IP, or a local name
  (`localhost`), must be public.
- Before each delivery, every address the host name resolves to must be public (the
  name may have been pointed elsewhere since), and redirects are not followed.

`WEBHOOK_PRIVATE_DESTINATIONS=1` lifts both checks, for a partner's receiver on the
same private network.
"""

import ipaddress
import socket
from urllib.parse import urlsplit

from django.conf import settings

LOCAL_NAMES = ("localhost", "localhost.localdomain")
NOT_PUBLIC = "Webhooks are sent to public addresses only; this one is not."


def _public(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_global and not address.is_multicast


def _host(url: str) -> str:
    return (urlsplit(url).hostname or "").rstrip(".").lower()


def saved_refusal(url: str) -> str | None:
    """Why a subscription may not name this URL (None: it may)."""
    if settings.WEBHOOK_PRIVATE_DESTINATIONS:
        return None
    host = _host(url)
    if host in LOCAL_NAMES or host.endswith(".localhost"):
        return NOT_PUBLIC
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return None  # a name: checked at each delivery
    return None if _public(address) else NOT_PUBLIC


def delivery_refusal(url: str) -> str | None:
    """Why a delivery may not be sent to this URL now (None: it may)."""
    refused = saved_refusal(url)
    if refused or settings.WEBHOOK_PRIVATE_DESTINATIONS:
        return refused
    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        found = socket.getaddrinfo(_host(url), port, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError):
        return None  # unknown for now: the request fails and is retried later
    for *_, sockaddr in found:
        address = ipaddress.ip_address(str(sockaddr[0]).split("%", 1)[0])
        if not _public(address):
            return f"{NOT_PUBLIC} ({_host(url)} resolves to {address})"
    return None
