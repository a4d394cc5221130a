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

Host names must be plain ASCII (punycode for an international name): Python's and the
HTTP client's name encodings differ, so a name could be checked as one host and called
as another. What remains is the time between the check and the client's own lookup (a
name re-pointed in between, "DNS rebinding"); a proxy that only lets out public
addresses closes it where it matters.
"""

import ipaddress
import socket
from urllib.parse import urlsplit

from django.conf import settings

LOCAL_NAMES = ("localhost", "localhost.localdomain")
NOT_PUBLIC = "Webhooks are sent to public addresses only; this one is not."
NOT_ASCII = "Give the host name in ASCII (punycode, xn--…)."
NAT64 = ipaddress.ip_network("64:ff9b::/96")


class UnknownHost(Exception):
    """The name does not resolve now: the delivery is retried later, not sent."""


def _public(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if isinstance(address, ipaddress.IPv6Address):
        # IPv4 addresses carried in IPv6 ones are judged as what they lead to.
        if address.ipv4_mapped is not None:
            return _public(address.ipv4_mapped)
        if address.sixtofour is not None:
            return _public(address.sixtofour)
        if address in NAT64:
            return _public(ipaddress.IPv4Address(int(address) & 0xFFFFFFFF))
    return address.is_global and not address.is_multicast


def _host(url: str) -> str:
    return (urlsplit(url).hostname or "").rstrip(".").lower()


def saved_refusal(url: str) -> str | None:
    """Why a subscription may not name this URL (None: it may)."""
    if settings.WEBHOOK_PRIVATE_DESTINATIONS:
        return None
    host = _host(url)
    if not host.isascii():
        return NOT_ASCII
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
    except (socket.gaierror, UnicodeError) as error:
        raise UnknownHost(str(error)) from error
    for *_, sockaddr in found:
        address = ipaddress.ip_address(str(sockaddr[0]).split("%", 1)[0])
        if not _public(address):
            return f"{NOT_PUBLIC} ({_host(url)} resolves to {address})"
    return None
