"""The web pages of accounts (included at the site's root by backend.urls)."""

urlpatterns: list = []
