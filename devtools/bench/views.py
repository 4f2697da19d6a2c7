"""The benchmark's floor: an endpoint that does nothing but what every API request does.

It goes through the same server, middleware, DRF view machinery and token authentication as the real
endpoints and answers a small JSON, so `bench` can subtract what any request costs from what an
availability query or a booking costs. It is routed only when settings.BENCH_NOOP is on
(KYOYO_BENCH_NOOP=1, which `bench` sets for the server it starts); otherwise it is not in the URL map.
"""

from rest_framework.decorators import api_view, permission_classes
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response


@api_view(["GET", "POST"])
@permission_classes([IsAuthenticated])
def noop(request):
    return Response({"ok": True, "user": request.user.id})
