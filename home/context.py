"""Template context of every page: the header's badges (what waits for the user), read only when a page shows them."""

from django.utils.functional import SimpleLazyObject

from .selectors import waiting_counts


def waiting(request):
    user = getattr(request, "user", None)
    return {"waiting": SimpleLazyObject(lambda: waiting_counts(user))}
