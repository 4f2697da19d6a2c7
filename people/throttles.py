"""The rate limit of an invitation's page: its POST (accept, or create the account) per client address."""

from backend.throttling import AddressThrottle


class InvitationAcceptThrottle(AddressThrottle):
    scope = "invitation_accept"
