"""The web pages of people (included at the site's root by backend.urls)."""

urlpatterns: list = []
