"""The web pages of registrations (included at the site's root by backend.urls; the API's are in api_urls.py)."""

from django.urls import path

from . import views

urlpatterns = [
    path("register/company/", views.register, name="company-register"),
    path("register/company/<int:pk>/withdraw/", views.withdraw, name="company-register-withdraw"),
    path("register/join/<int:pk>/withdraw/", views.withdraw_join_request, name="join-request-page-withdraw"),
    path("registrations/", views.registration_list, name="registrations"),
    path("registrations/policy/", views.policy, name="registration-policy"),
    path("registrations/<int:pk>/", views.registration_detail, name="registration-page"),
    path("registrations/<int:pk>/approve/", views.approve, name="registration-page-approve"),
    path("registrations/<int:pk>/refuse/", views.refuse, name="registration-page-refuse"),
    path("company/join-requests/", views.join_requests, name="join-requests"),
    path(
        "company/join-requests/<int:pk>/approve/",
        views.decide_join_request,
        {"verb": "approve"},
        name="join-request-page-approve",
    ),
    path(
        "company/join-requests/<int:pk>/refuse/",
        views.decide_join_request,
        {"verb": "refuse"},
        name="join-request-page-refuse",
    ),
]
