"""Who is asking: the client's network address, the one thing every per-client limit keys on.

Behind a load balancer (`DJANGO_BEHIND_PROXY=1`) the connection comes from the proxy, and each trusted proxy
appends the address it saw to `X-Forwarded-For`. The client is the first hop no trusted proxy vouches for:
counting `TRUSTED_PROXY_COUNT` entries from the right. Anything further left was written by the client
itself and is never believed. Without a proxy, the connection's own address is the client.
"""

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def _valid(address: str) -> str | None:
    try:
        return str(ipaddress.ip_address(address.strip()))
    except ValueError:
        return None


def forwarded_client(*, forwarded_for: str, remote_addr: str, trusted_proxies: int) -> str:
    """The first untrusted hop of an `X-Forwarded-For` chain (pure, for tests)."""
    hops = [hop.strip() for hop in forwarded_for.split(",") if hop.strip()]
    if trusted_proxies < 1 or not hops:
        return _valid(remote_addr) or remote_addr
    # Fewer hops than trusted proxies: the leftmost is still the nearest thing to the client we have.
    hop = hops[-min(trusted_proxies, len(hops))]
    return _valid(hop) or _valid(remote_addr) or remote_addr


def client_address(request: HttpRequest) -> str:
    """The client's address, as the rate limits, sign-in throttling and duplicate checks see it."""
    remote_addr = request.META.get("REMOTE_ADDR", "")
    if not settings.BEHIND_PROXY:
        return _valid(remote_addr) or remote_addr
    return forwarded_client(
        forwarded_for=request.META.get("HTTP_X_FORWARDED_FOR", ""),
        remote_addr=remote_addr,
        trusted_proxies=settings.TRUSTED_PROXY_COUNT,
    )
