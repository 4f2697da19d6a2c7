"""Who may grant (and revoke) which role, and where: the one table of the front door (docs/accounts.md).

Each row says: a holder of role `held` may grant (and revoke) role `kind` in the scope `where` names — the very
scope of the role they hold (SAME), or an institution that is a current member of the consortium they hold it in
(MEMBER_INSTITUTION). A site operator (superuser) may grant anything anywhere. Nobody else grants anything: not an
anonymous or inactive user, not a role that no row names. The services (grant_role, revoke_role, people's
invitations) ask `may_grant`; the pages ask `grantable_by` and `kinds_grantable` to offer only what it allows.
"""

from dataclasses import dataclass

from .models import Company, Consortium, Institution, Role
from .selectors import access_for, institution_ids_of_consortia

K = Role.Kind
SAME = "same"
MEMBER_INSTITUTION = "member_institution"


@dataclass(frozen=True)
class Grant:
    held: str
    kind: str
    where: str = SAME


TABLE = (
    # A company's admin manages the company's users.
    Grant(K.COMPANY_ADMIN, K.COMPANY_MEMBER),
    Grant(K.COMPANY_ADMIN, K.COMPANY_ADMIN),
    # An institution's administrator adds its technicians, its researchers and fellow administrators.
    Grant(K.INSTITUTION_ADMIN, K.STAFF),
    Grant(K.INSTITUTION_ADMIN, K.RESEARCHER),
    Grant(K.INSTITUTION_ADMIN, K.INSTITUTION_ADMIN),
    # A consortium's secretariat appoints the administrators of its current member institutions, its coordinators
    # and fellow members of the secretariat (an office changes hands without waiting for the site operator).
    Grant(K.SECRETARIAT, K.INSTITUTION_ADMIN, MEMBER_INSTITUTION),
    Grant(K.SECRETARIAT, K.COORDINATOR),
    Grant(K.SECRETARIAT, K.SECRETARIAT),
)

# The field of a role's scope, by kind.
SCOPE_OF = {
    **{kind: "institution" for kind in Role.INSTITUTION_KINDS},
    **{kind: "consortium" for kind in Role.CONSORTIUM_KINDS},
    **{kind: "company" for kind in Role.COMPANY_KINDS},
}
SCOPE_MODELS = {"institution": Institution, "consortium": Consortium, "company": Company}
# The roles that administer their scope: a scope is orphaned when its last one goes.
ADMIN_KINDS = (K.COMPANY_ADMIN, K.INSTITUTION_ADMIN, K.SECRETARIAT)


def _id(value) -> int | None:
    return getattr(value, "pk", value)


def scope_of(kind: str, *, institution=None, consortium=None, company=None) -> tuple[str, int] | None:
    """(field, id) of the scope, when exactly the scope the kind needs is named; None otherwise."""
    given = {f: _id(v) for f, v in (("institution", institution), ("consortium", consortium), ("company", company))}
    field = SCOPE_OF.get(kind)
    if field is None or given[field] is None or any(v is not None for f, v in given.items() if f != field):
        return None
    return field, given[field]


def _held(access, kind: str) -> frozenset[int]:
    return {
        K.COMPANY_ADMIN: access.admin_of,
        K.INSTITUTION_ADMIN: access.administrator_of,
        K.SECRETARIAT: access.secretariat_of,
    }.get(kind, frozenset())


def may_grant(actor, kind: str, *, institution=None, consortium=None, company=None) -> bool:
    """Whether `actor` may grant (or revoke) role `kind` in this scope: the table above."""
    scope = scope_of(kind, institution=institution, consortium=consortium, company=company)
    if scope is None or actor is None or not actor.is_authenticated or not actor.is_active:
        return False
    access = access_for(actor)
    if access.is_superuser:
        return True
    scope_id = scope[1]
    for row in TABLE:
        if row.kind != kind:
            continue
        held = _held(access, row.held)
        if row.where == SAME and scope_id in held:
            return True
        if row.where == MEMBER_INSTITUTION and held and scope_id in institution_ids_of_consortia(held):
            return True
    return False


def may_revoke(actor, role: Role) -> bool:
    """Revoking follows the same table as granting."""
    return may_grant(
        actor, role.kind, institution=role.institution_id, consortium=role.consortium_id, company=role.company_id
    )


def grantable_by(actor) -> dict[str, dict[int, list[str]]]:
    """What a page may offer the actor: {scope field: {scope id: [kinds they may grant there]}}."""
    offer: dict[str, dict[int, list[str]]] = {"institution": {}, "consortium": {}, "company": {}}
    if actor is None or not actor.is_authenticated or not actor.is_active:
        return offer
    access = access_for(actor)
    if access.is_superuser:
        for field, model in SCOPE_MODELS.items():
            kinds = [kind for kind, of in SCOPE_OF.items() if of == field]
            offer[field] = {
                pk: [str(k) for k in kinds] for pk in model.objects.order_by("id").values_list("id", flat=True)
            }
        return offer
    for row in TABLE:
        held = _held(access, row.held)
        if not held:
            continue
        ids = held if row.where == SAME else institution_ids_of_consortia(held)
        for scope_id in sorted(ids):
            kinds = offer[SCOPE_OF[row.kind]].setdefault(scope_id, [])
            if row.kind not in kinds:
                kinds.append(str(row.kind))
    order = list(Role.Kind.values)
    for scopes in offer.values():
        for kinds in scopes.values():
            kinds.sort(key=order.index)
    return offer


def kinds_grantable(actor, *, institution=None, consortium=None, company=None) -> list[str]:
    """The kinds the actor may grant in one scope, in the order of Role.Kind."""
    field = "institution" if institution is not None else "consortium" if consortium is not None else "company"
    scope = {"institution": institution, "consortium": consortium, "company": company}
    return [kind for kind, of in SCOPE_OF.items() if of == field and may_grant(actor, kind, **{field: scope[field]})]
