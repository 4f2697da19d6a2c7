"""The API's renderers. A module of its own: DRF reads DEFAULT_RENDERER_CLASSES while it defines APIView, so
the class must not live in a module that imports DRF's views (backend.api does)."""

from rest_framework import renderers

from .headers import PAGE_POLICY


class BrowsableAPIRenderer(renderers.BrowsableAPIRenderer):
    """DRF's HTML view of the API, whose templates style elements inline: the pages' policy, but with inline
    styles allowed (never scripts), so that it is drawn as DRF means it to be."""

    policy = PAGE_POLICY.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")

    def render(self, data, accepted_media_type=None, renderer_context=None):
        html = super().render(data, accepted_media_type, renderer_context)
        response = (renderer_context or {}).get("response")
        if response is not None:
            response["Content-Security-Policy"] = self.policy
        return html
