"""Where webhooks may be sent, and the one address each delivery connects to.

A subscription names a URL that Parcours itself will call: without a check, a partner
could make the server reach what only it can reach (its database, Redis, a cloud's
metadata service at 169.254.169.254): a server-side request forgery (OWASP API7).

The URL is read once, by the HTTP client's own parser (urllib3's `parse_url`), and the
delivery is made from that reading alone: two parsers can disagree on where a URL
leads (`http://127.0.0.1:8499\\@93.184.215.14/` is 93.184.215.14 to one, 127.0.0.1 to
the other). So:

- A URL is refused when it has a user name or password, a backslash, a character
  outside printable ASCII (a host name is given in punycode), or a scheme other than
  `https` (`http` too where `WEBHOOK_ALLOW_HTTP` is on). Its host, when an IP address
  in any spelling (`127.1`, `2130706433`, `[::ffff:0:127.0.0.1]`) or a local name
  (`localhost`), must be public. These depend on the URL alone: checked when a
  subscription is saved, and again before each delivery.
- Before each delivery, the host name is resolved once; every address it resolves to
  must be public, and the delivery connects to the first of them, with the name kept
  for TLS (SNI, certificate) and the `Host` header: the address checked is the address
  called, whatever the name answers a moment later (DNS rebinding). Redirects are not
  followed.

`WEBHOOK_PRIVATE_DESTINATIONS=1` lifts the public-address rule, for a partner's
receiver on the same private network; the URL's other rules and the single lookup stay.
"""

import ipaddress
import socket
from dataclasses import dataclass

from django.conf import settings
from urllib3.exceptions import LocationParseError
from urllib3.util import parse_url

Address = ipaddress.IPv4Address | ipaddress.IPv6Address

LOCAL_NAMES = ("localhost", "localhost.localdomain")
DEFAULT_PORTS = {"https": 443, "http": 80}
NOT_PUBLIC = "Webhooks are sent to public addresses only; this one is not."
NOT_ASCII = (
    "Give the URL in printable ASCII, without spaces: the host name in punycode (xn--…), "
    "other characters percent-encoded."
)
BACKSLASH = "A webhook URL may not contain a backslash."
USER_INFO = "A webhook URL may not contain a user name or password."
NOT_READABLE = "Enter a valid URL."
NO_HOST = "Give the URL's host."

# The IPv6 addresses that lead to an IPv4 one, each judged as the IPv4 it carries; any
# other IPv6 address is public only in the global unicast space (2000::/3), which
# leaves out the IPv4-compatible (::a.b.c.d), IPv4-translated (::ffff:0:a.b.c.d),
# local-use NAT64 (64:ff9b:1::/48), unique-local, site-local, link-local and multicast.
NAT64 = ipaddress.ip_network("64:ff9b::/96")
GLOBAL_UNICAST = ipaddress.ip_network("2000::/3")


class Refused(Exception):
    """The URL may not receive webhooks: said at subscription; a delivery is not retried."""


class Unreachable(Exception):
    """The name leads to no address Parcours may call now: the delivery is retried."""


@dataclass(frozen=True)
class Target:
    """A webhook URL as the HTTP client reads it."""

    scheme: str
    host: str  # a name, or an IP address without brackets
    port: int
    path: str  # the request target: path and query
    host_header: str


@dataclass(frozen=True)
class Destination:
    """Where one delivery goes: the URL's target and the address checked for it."""

    target: Target
    address: str


def allowed_schemes() -> tuple[str, ...]:
    return ("https", "http") if settings.WEBHOOK_ALLOW_HTTP else ("https",)


def _embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address in NAT64:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return address.sixtofour


def is_public(address: Address) -> bool:
    """Whether an address is on the public internet (an IPv4 carried in an IPv6 address
    is judged as the IPv4 it leads to)."""
    if isinstance(address, ipaddress.IPv6Address):
        carried = _embedded_ipv4(address)
        if carried is not None:
            return is_public(carried)
        return address in GLOBAL_UNICAST and address.is_global
    return address.is_global and not address.is_multicast


def literal_address(host: str) -> Address | None:
    """The IP address a host stands for by itself, in any spelling the system's
    resolver accepts (`127.1`, `0x7f.0.0.1`, `2130706433`); None for a name."""
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        pass
    try:
        return ipaddress.IPv4Address(socket.inet_aton(host))
    except OSError:
        return None


def target_of(url: str) -> Target:
    """The URL as the HTTP client reads it, or `Refused` saying why it may not be used."""
    if "\\" in url:
        raise Refused(BACKSLASH)
    if any(not " " < character < "\x7f" for character in url):
        raise Refused(NOT_ASCII)
    try:
        parts = parse_url(url)
    except LocationParseError as error:
        raise Refused(NOT_READABLE) from error
    # urllib3's authority ends at the first "/", "?" or "#" (a backslash is refused).
    authority = url.partition("//")[2].split("/", 1)[0].split("?", 1)[0].split("#", 1)[0]
    if parts.auth is not None or "@" in authority:
        raise Refused(USER_INFO)
    schemes = allowed_schemes()
    if parts.scheme not in schemes:
        raise Refused(f"Webhook URLs start with {' or '.join(f'{s}://' for s in schemes)}.")
    if not parts.host:
        raise Refused(NO_HOST)
    if parts.port == 0:
        raise Refused(NOT_READABLE)
    default = DEFAULT_PORTS[parts.scheme]
    port = parts.port or default
    return Target(
        scheme=parts.scheme,
        host=parts.host.strip("[]").rstrip("."),
        port=port,
        path=parts.request_uri,
        host_header=parts.host if port == default else f"{parts.host}:{port}",
    )


def _check_host(host: str) -> None:
    if settings.WEBHOOK_PRIVATE_DESTINATIONS:
        return
    if host in LOCAL_NAMES or host.endswith(".localhost"):
        raise Refused(NOT_PUBLIC)
    address = literal_address(host)
    if address is not None and not is_public(address):
        raise Refused(NOT_PUBLIC)


def saved_refusal(url: str) -> str | None:
    """Why a subscription may not name this URL (None: it may)."""
    try:
        _check_host(target_of(url).host)
    except Refused as refused:
        return str(refused)
    return None


def destination_for(url: str) -> Destination:
    """Where a delivery to this URL connects now: its host resolved once, every address
    checked. Raises `Refused` (the URL may not be used) or `Unreachable` (not now)."""
    target = target_of(url)
    _check_host(target.host)
    try:
        found = socket.getaddrinfo(target.host, target.port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as error:
        raise Unreachable(f"{target.host} does not resolve: {error}") from error
    addresses = [ipaddress.ip_address(str(sockaddr[0]).split("%", 1)[0]) for *_, sockaddr in found]
    if not addresses:
        raise Unreachable(f"{target.host} resolves to no address")
    if not settings.WEBHOOK_PRIVATE_DESTINATIONS:
        for address in addresses:
            if not is_public(address):
                raise Unreachable(f"{target.host} resolves to {address}, not public")
    return Destination(target=target, address=str(addresses[0]))
