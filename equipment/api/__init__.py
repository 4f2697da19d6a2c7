"""REST endpoints for the catalogue, split the way `equipment/views/` is: the instruments themselves
(`instruments`), their manuals and photos (`files`), rates (`rates`) and operator
qualifications (`qualifications`); downtime is served by bookings (bookings.api_disruptions), which
knows the bookings a downtime may hit. Each parses input, calls a service or selector and renders output; who may
change what is decided by the services (`services.ensure_can_manage`), not here."""

from .files import ManualViewSet, PhotoViewSet
from .instruments import CategoryViewSet, InstrumentViewSet
from .qualifications import QualificationViewSet
from .rates import RateViewSet

__all__ = [
    "CategoryViewSet",
    "InstrumentViewSet",
    "ManualViewSet",
    "PhotoViewSet",
    "QualificationViewSet",
    "RateViewSet",
]
