"""Template context of every page: who the user is (for the navigation)."""

from consortia.selectors import access_for


def navigation(request):
    user = getattr(request, "user", None)
    return {"access": access_for(user) if user is not None else None}
