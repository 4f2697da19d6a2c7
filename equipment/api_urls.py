from django.urls import include, path

from backend.api import Router

from . import api

router = Router()
router.register("categories", api.CategoryViewSet, basename="category")
router.register("instruments", api.InstrumentViewSet, basename="instrument")

children = Router()
children.register("manuals", api.ManualViewSet, basename="instrument-manual")
children.register("photos", api.PhotoViewSet, basename="instrument-photo")
children.register("rates", api.RateViewSet, basename="instrument-rate")
children.register("qualifications", api.QualificationViewSet, basename="instrument-qualification")

urlpatterns = [
    path("", include(router.urls)),
    path("instruments/<int:instrument_pk>/", include(children.urls)),
]
