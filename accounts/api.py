"""The current user's own account through the API: their personal data (the account page's download) and closing
the account. The profile itself is /api/v1/me/ (consortia.api), tokens /api/v1/auth/tokens/."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from .deactivation import confirm_deactivation, deactivate_account
from .personal_data import personal_data_response


class PersonalDataView(APIView):
    """Everything Kyoyo holds about you, as the 個人情報保護法 lets you ask for it (開示請求): the same JSON file as
    the account page's download (profile, e-mail addresses, roles, terms, bookings you requested, booking changes
    you made, consultations and messages you wrote, usage reports you submitted, the invoice lines of your
    bookings, API tokens by prefix, sessions without keys, whether you have a calendar feed, your expert entry and
    the e-mails sent to you). Never a password hash or a token."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="Download your personal data (JSON)",
        responses={200: OpenApiResponse(response={"type": "object"}, description="the file, as an attachment")},
    )
    def get(self, request):
        return personal_data_response(request.user)


class DeactivateSerializer(serializers.Serializer):
    password = serializers.CharField(help_text=_("your password, to confirm"), trim_whitespace=False)


class DeactivateView(APIView):
    """Close your account. Kept: bookings, invoices (seven years), usage reports and consultations. Removed: your
    names and readings, username and e-mail address, password, two-factor methods, roles, API tokens (this one
    too), sessions, calendar feed and expert entry. Refused (409 `last_company_admin`) while you are the only admin
    of a company with other members."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="Close your account",
        request=DeactivateSerializer,
        responses={
            204: OpenApiResponse(description="closed"),
            400: OpenApiResponse(description="wrong or missing password"),
            409: OpenApiResponse(description="the only admin of a company with other members"),
        },
    )
    def post(self, request):
        form = DeactivateSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        confirm_deactivation(user=request.user, password=form.validated_data["password"])
        deactivate_account(actor=request.user, user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
