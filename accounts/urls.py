"""The web pages of accounts (included at the site's root by backend.urls)."""

from django.urls import path

from . import account_views

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

urlpatterns: list = [*account_urls]
