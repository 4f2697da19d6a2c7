"""The web pages of people (included at the site's root by backend.urls): the roles pages of each scope, the
actions on a role or an invitation, and the page an invitation's link opens."""

from django.urls import path

from . import views

urlpatterns = [
    path("company/people/", views.company_people, name="company-people"),
    path("staff/people/", views.institution_people, name="institution-people"),
    path("consortium/people/", views.consortium_people_home, name="consortium-people-home"),
    path("consortium/<int:pk>/people/", views.consortium_people, name="consortium-people"),
    path("people/roles/<int:pk>/revoke/", views.role_revoke, name="role-revoke"),
    path("people/invitations/<int:pk>/resend/", views.invitation_resend, name="invitation-resend"),
    path("people/invitations/<int:pk>/revoke/", views.invitation_revoke, name="invitation-revoke"),
    path("invitations/<str:key>/", views.invitation, name="invitation"),
]
