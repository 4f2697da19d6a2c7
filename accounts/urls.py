"""The web pages of accounts (included at the site's root by backend.urls, before allauth's under accounts/)."""

from allauth.account import views as allauth_views
from django.urls import path

from . import account_views, views

# The account page (/account/) and its sections' forms.
account_urls = [
    path("account/", account_views.account_page, name="account"),
    path("account/profile/", account_views.profile, name="account-profile"),
    path("account/emails/", account_views.emails, name="account-emails"),
    path("account/sessions/<int:pk>/end/", account_views.session_end, name="account-session-end"),
    path("account/sessions/end-others/", account_views.sessions_end_others, name="account-sessions-end-others"),
    path("account/tokens/", account_views.token_issue, name="account-token-issue"),
    path("account/tokens/<int:pk>/revoke/", account_views.token_revoke, name="account-token-revoke"),
    path("account/data/", account_views.personal_data, name="account-data"),
    path("account/deactivate/", account_views.deactivate, name="account-deactivate"),
]

urlpatterns = [
    *account_urls,
    path("terms/", views.terms, name="terms"),
    path("privacy/", views.privacy, name="privacy"),
    path("terms/accept/", views.accept_terms, name="terms-accept"),
    path("accounts/signup/", views.SignupView.as_view(), name="account_signup"),
    path("accounts/password/reset/", views.PasswordResetView.as_view(), name="account_reset_password"),
    # the names the product's pages used before allauth (base.html, the booking pages)
    path("accounts/login/", allauth_views.login, name="login"),
    path("accounts/logout/", allauth_views.logout, name="logout"),
]
