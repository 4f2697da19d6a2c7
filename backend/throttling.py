"""Rate limits against guessing: counted in the shared cache (settings.CACHES), keyed by what cannot be varied
for free.

Each throttle is DRF's sliding window (SimpleRateThrottle) under a scope of REST_FRAMEWORK's
DEFAULT_THROTTLE_RATES, so the same classes serve DRF views (`throttle_classes`) and Django views
(`first_refusal`). The count lives in the default cache, which every worker process shares; a per-process cache
would multiply the limit by the number of workers.

- By address: the client address from backend.addresses (X-Forwarded-For only as far as our proxies vouch for
  it); an IPv6 client counts by its /64 network, since one subscriber is given a whole /64 to pick from.
- By account: the username or e-mail address typed, normalised (NFKC, case-folded), so that many addresses
  guessing at one account share one count.
"""

import hashlib
import ipaddress
import math
import unicodedata

from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from .addresses import client_address


def address_key(address: str) -> str:
    """What one client is counted by: its IPv4 address, or its IPv6 /64 network."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if ip.version == 4:
        return str(ip)
    if ip.ipv4_mapped is not None:
        return str(ip.ipv4_mapped)
    return str(ipaddress.ip_network(f"{ip}/64", strict=False))


def account_key(typed) -> str | None:
    """What one account is counted by: the name typed, in one form whatever its width or case."""
    if not isinstance(typed, str) or not typed.strip():
        return None
    return unicodedata.normalize("NFKC", typed).strip().casefold()


class KeyedThrottle(SimpleRateThrottle):
    """A sliding-window throttle whose scope names its rate and whose `ident` says what it counts by."""

    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES[self.scope]  # read when used, not when the class was defined

    def ident(self, request) -> str | None:
        raise NotImplementedError

    def get_cache_key(self, request, view):
        ident = self.ident(request)
        if ident is None:
            return None  # nothing to count by: the request is refused elsewhere (e.g. no username)
        return f"throttle:{self.scope}:{hashlib.sha256(ident.encode()).hexdigest()}"


class AddressThrottle(KeyedThrottle):
    def ident(self, request):
        return address_key(client_address(request))


class TokenAddressThrottle(AddressThrottle):
    scope = "token"


class TokenUsernameThrottle(KeyedThrottle):
    scope = "token_username"

    def ident(self, request):
        return account_key(request.data.get("username")) if hasattr(request.data, "get") else None


class PasswordResetAddressThrottle(AddressThrottle):
    scope = "password_reset"


class PasswordResetEmailThrottle(KeyedThrottle):
    scope = "password_reset_email"

    def ident(self, request):
        return account_key(request.POST.get("email"))


def first_refusal(request, throttles) -> int | None:
    """For a Django view: count the request against each throttle class; the whole minutes to wait if any refuses
    it, else None. Every throttle is asked, as DRF does, so a refused request still counts against the others."""
    waits = []
    for throttle_class in throttles:
        throttle = throttle_class()
        if not throttle.allow_request(request, None):
            waits.append(throttle.wait() or 0)
    return max(1, math.ceil(max(waits) / 60)) if waits else None
