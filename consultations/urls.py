"""URLs of the consultation pages and the expert directory (the API's are in api_urls.py)."""

from django.urls import path

from . import views

consultation = "consultations/<int:pk>/"

urlpatterns = [
    path("consultations/", views.consultation_list, name="consultations"),
    path("consultations/new/", views.consultation_new, name="consultation-new"),
    path(consultation, views.consultation_detail, name="consultation-page"),
    path(consultation + "messages/", views.post_message, name="consultation-page-message"),
    path(consultation + "refer/", views.refer, name="consultation-page-refer"),
    path(consultation + "close/", views.close, name="consultation-page-close"),
    path(consultation + "bookings/", views.link_booking, name="consultation-page-link-booking"),
    path("experts/", views.expert_directory, name="expert-directory"),
    path("experts/me/", views.my_expert_entry, name="expert-me-page"),
]
