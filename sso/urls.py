"""The web pages of sso (included at the site's root by backend.urls). The SAML endpoints keep djangosaml2's names
(saml2_login, …), which its views reverse; /saml2/metadata/ is the address the federation registers."""

from django.urls import path

from . import views

urlpatterns = [
    path("saml2/login/", views.login, name="saml2_login"),
    path("saml2/acs/", views.acs, name="saml2_acs"),
    path("saml2/metadata/", views.metadata, name="saml2_metadata"),
    path("saml2/ls/", views.logout_service, name="saml2_ls"),
    path("saml2/ls/post/", views.logout_service, name="saml2_ls_post"),
    path("saml2/link/", views.link, name="sso-link"),
]
