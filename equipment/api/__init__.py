"""REST endpoints for the catalogue, split the way `equipment/views/` is: the instruments themselves
(`instruments`), their manuals and photos (`files`), rates (`rates`), downtime (`schedule`) and operator
qualifications (`qualifications`). Each parses input, calls a service or selector and renders output; who may
change what is decided by the services (`services.ensure_can_manage`), not here."""

from .files import ManualViewSet, PhotoViewSet
from .instruments import CategoryViewSet, InstrumentViewSet
from .qualifications import QualificationViewSet
from .rates import RateViewSet
from .schedule import DowntimeViewSet

__all__ = [
    "CategoryViewSet",
    "DowntimeViewSet",
    "InstrumentViewSet",
    "ManualViewSet",
    "PhotoViewSet",
    "QualificationViewSet",
    "RateViewSet",
]
