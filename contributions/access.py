"""Who sees which contribution figures and lent-hours statements: one predicate each, read by the pages and the API
(docs/operators.md, "Who sees what")."""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from backend.errors import PermissionDenied
from consortia.models import Consortium, Institution
from consortia.selectors import access_for, institution_ids_of_consortia
from staffing.models import Operator

from .selectors import lending_pairs, operators_in, pair_consortium_ids


@dataclass(frozen=True)
class Scope:
    """Whose figures a reader sees: `operator` (their own), `institution` (a staff admin's: every operator by
    name) or `consortium` (the secretariat's: per member institution, and by name only those who consented)."""

    kind: str
    id: int
    label: str
    names_everyone: bool

    @property
    def query(self) -> str:
        return f"{self.kind}={self.id}"


def scopes_of(user) -> list[Scope]:
    """Every scope the user may read, own figures first, then administered institutions, then consortia."""
    access = access_for(user)
    found = []
    own = Operator.objects.filter(user_id=user.id).select_related("user").first() if user.is_authenticated else None
    if own is not None:
        found.append(Scope("operator", own.id, own.user.display_name, True))
    admin_of = Institution.objects.order_by("id")
    if not access.is_superuser:
        admin_of = admin_of.filter(id__in=access.administrator_of)
    found += [Scope("institution", i.id, i.localized_name, True) for i in admin_of]
    consortia = Consortium.objects.order_by("id")
    if not access.is_superuser:
        consortia = consortia.filter(id__in=access.secretariat_of)
    found += [Scope("consortium", c.id, c.localized_name, False) for c in consortia]
    return found


def may_see_statement(user, lender_id: int, borrower_id: int) -> bool:
    """Staff admins of either institution, the secretariat of a consortium the agreements are in, site admins."""
    access = access_for(user)
    if access.is_superuser or {lender_id, borrower_id} & access.administrator_of:
        return True
    return bool(pair_consortium_ids(lender_id, borrower_id) & access.secretariat_of)


def statement_pairs_of(user):
    """The (lender, borrower) pairs whose statements the user may see."""
    access = access_for(user)
    if access.is_superuser:
        return lending_pairs()
    if not (access.administrator_of or access.secretariat_of):
        return []
    return lending_pairs(institution_ids=access.administrator_of, consortium_ids=access.secretariat_of)


def scope_operators(scope: Scope) -> list[Operator]:
    if scope.kind == "operator":
        return list(operators_in(operator_ids=[scope.id]))
    if scope.kind == "institution":
        return list(operators_in(institution_ids=[scope.id]))
    return list(operators_in(institution_ids=institution_ids_of_consortia([scope.id])))


SCOPE_KINDS = ("operator", "institution", "consortium")


def scope_from(user, params) -> Scope:
    """The scope a request asks for (`operator=`, `institution=` or `consortium=` an id), else the reader's first;
    refused `not_allowed_to_see_contributions` (403) when the reader may not see it, before anything else."""
    mine = scopes_of(user)
    asked = [(kind, (params.get(kind) or "").strip()) for kind in SCOPE_KINDS if (params.get(kind) or "").strip()]
    if not mine or len(asked) > 1:
        raise PermissionDenied(
            "not_allowed_to_see_contributions",
            _("Only operators, their institution's administrators and the consortium's secretariat see these figures."),
        )
    if not asked:
        return mine[0]
    kind, value = asked[0]
    for scope in mine:
        if scope.kind == kind and str(scope.id) == value:
            return scope
    raise PermissionDenied(
        "not_allowed_to_see_contributions", _("You may not see the contributions of this scope."), field=kind
    )


def may_read_statements(user) -> bool:
    """Who may open the statements page at all: institution administrators, secretariats, site admins."""
    access = access_for(user)
    return access.is_superuser or bool(access.administrator_of or access.secretariat_of)
