"""What the endpoints under /instruments/{id}/ share: the instrument from the URL, read as the catalogue
allows and written as its institution's staff (the services refuse anyone else)."""

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from rest_framework import mixins, viewsets
from rest_framework.permissions import SAFE_METHODS, IsAuthenticated

from .. import selectors
from ..models import Instrument


class InstrumentChildViewSet(
    mixins.ListModelMixin, mixins.CreateModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet
):
    """Base for /instruments/{id}/<children>/: read as the catalogue allows, write as the instrument's staff."""

    staff_only_read = False

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no instrument in the URL
            return self.serializer_class.Meta.model.objects.none()
        return self.children()

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        self.instrument = get_object_or_404(
            Instrument.objects.select_related("institution"), pk=self.kwargs["instrument_pk"]
        )
        self.can_manage = selectors.may_manage_instruments(request.user, self.instrument.institution_id)
        if self.staff_only_read and not self.can_manage:
            self.permission_denied(request, message=_("Institution staff only."))

    def get_permissions(self):
        if self.request.method in SAFE_METHODS and not self.staff_only_read:
            return []
        return [IsAuthenticated()]

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "can_manage": getattr(self, "can_manage", False)}
