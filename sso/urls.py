"""The web pages of sso (included at the site's root by backend.urls)."""

urlpatterns: list = []
