"""The web pages of accounts (included at the site's root by backend.urls, before allauth's under accounts/)."""

from allauth.account import views as allauth_views
from django.urls import path

from . import views

urlpatterns = [
    path("terms/", views.terms, name="terms"),
    path("privacy/", views.privacy, name="privacy"),
    path("terms/accept/", views.accept_terms, name="terms-accept"),
    path("accounts/signup/", views.SignupView.as_view(), name="account_signup"),
    path("accounts/password/reset/", views.PasswordResetView.as_view(), name="account_reset_password"),
    # the names the product's pages used before allauth (base.html, the booking pages)
    path("accounts/login/", allauth_views.login, name="login"),
    path("accounts/logout/", allauth_views.logout, name="logout"),
]
