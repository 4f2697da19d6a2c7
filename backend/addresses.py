"""The client's address, as far as the configured reverse proxies vouch for it.

X-Forwarded-For is written by whoever sends the request: only the entries appended by our own proxies can be
trusted. Each proxy appends the address it received the request from, so with N proxies in front of the app the
Nth entry from the right is the client (what the first proxy saw); anything further left is the client's own
claim. TRUSTED_PROXY_COUNT (settings) says how many there are; with 0 the header is ignored. Every throttle and
anything else that limits or logs by address asks this module (DRF's NUM_PROXIES is set from the same setting).
"""

import ipaddress

from django.conf import settings


def client_address(request) -> str:
    """The address of the client that sent `request` (a Django or DRF request)."""
    peer = request.META.get("REMOTE_ADDR", "")
    proxies = settings.TRUSTED_PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies == 0 or not forwarded.strip():
        return peer  # no proxy, or a request that did not come through one
    hops = [hop.strip() for hop in forwarded.split(",")]
    claimed = hops[-min(proxies, len(hops))]  # fewer entries than proxies: the leftmost came from a proxy too
    try:
        return str(ipaddress.ip_address(claimed))
    except ValueError:
        return peer  # our proxy wrote something that is no address: trust only the connection
