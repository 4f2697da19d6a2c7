"""The web pages of registrations (included at the site's root by backend.urls)."""

urlpatterns: list = []
