"""What a 学認 (GakuNin) assertion says about a person, read from its attributes: pure functions, no database.

pysaml2 gives the attributes it knows by their friendly names (eduPersonPrincipalName, mail, …) and, since the SP
allows unknown attributes, GakuNin's own (jasn, jaGivenName, jaDisplayName) by their urn:oid names; both are read.
"""

from dataclasses import dataclass, field

# The attributes as GakuNin releases them: friendly name → its urn:oid name.
OIDS = {
    "eduPersonPrincipalName": "urn:oid:1.3.6.1.4.1.5923.1.1.1.6",
    "eduPersonScopedAffiliation": "urn:oid:1.3.6.1.4.1.5923.1.1.1.9",
    "mail": "urn:oid:0.9.2342.19200300.100.1.3",
    "displayName": "urn:oid:2.16.840.1.113730.3.1.241",
    "sn": "urn:oid:2.5.4.4",
    "givenName": "urn:oid:2.5.4.42",
    "jasn": "urn:oid:1.3.6.1.4.1.32264.1.1.1",
    "jaGivenName": "urn:oid:1.3.6.1.4.1.32264.1.1.2",
    "jaDisplayName": "urn:oid:1.3.6.1.4.1.32264.1.1.3",
}
# The attributes the service provider asks for in its metadata (docs/accounts-sso.md): the identity is required.
REQUIRED = ("eduPersonPrincipalName", "eduPersonScopedAffiliation", "mail")
OPTIONAL = ("jasn", "jaGivenName", "jaDisplayName", "sn", "givenName", "displayName")

# Affiliations of people an institution vouches for as its own; `affiliate`, `library-walk-in` and the like are not.
MEMBER_AFFILIATIONS = frozenset({"faculty", "member", "staff", "student"})

NAME_MAX = 150  # consortia.User's name fields


@dataclass(frozen=True)
class Assertion:
    """The person an identity provider vouched for."""

    eppn: str
    email: str = ""
    last_name: str = ""
    first_name: str = ""
    display_name: str = ""
    affiliations: tuple[tuple[str, str], ...] = field(default_factory=tuple)  # (affiliation, scope), lower case

    @property
    def member_scopes(self) -> list[str]:
        """The scopes in which the person is faculty, member, staff or student, in the order given."""
        seen: list[str] = []
        for affiliation, scope in self.affiliations:
            if affiliation in MEMBER_AFFILIATIONS and scope not in seen:
                seen.append(scope)
        return seen

    @property
    def scopes(self) -> list[str]:
        return list(dict.fromkeys(scope for _affiliation, scope in self.affiliations))


def first_value(ava: dict, name: str) -> str:
    """The first non-empty value of an attribute, given by its friendly or its urn:oid name."""
    for key in (name, OIDS.get(name, "")):
        for value in ava.get(key) or ():
            text = str(value).strip()
            if text:
                return text
    return ""


def values(ava: dict, name: str) -> list[str]:
    found = []
    for key in (name, OIDS.get(name, "")):
        found += [str(value).strip() for value in ava.get(key) or () if str(value).strip()]
    return found


def scoped(value: str) -> tuple[str, str] | None:
    """`member@example-u.ac.jp` → ("member", "example-u.ac.jp"); anything without both parts → None."""
    affiliation, at, scope = value.strip().lower().rpartition("@")
    if not at or not affiliation or not scope:
        return None
    return affiliation, scope


def clean_name(text: str) -> str:
    """A name as the identity provider gave it, without control characters, cut to what a user's name holds."""
    return "".join(ch for ch in text if ch.isprintable()).strip()[:NAME_MAX]


def read_assertion(ava: dict) -> Assertion | None:
    """The person in an assertion's attributes, or None without an eduPersonPrincipalName (no stable identity)."""
    eppn = first_value(ava, "eduPersonPrincipalName")
    if not eppn:
        return None
    # Japanese names first (jasn/jaGivenName: the names as written in kanji), else the ones in Latin letters.
    last, first = first_value(ava, "jasn"), first_value(ava, "jaGivenName")
    if not (last or first):
        last, first = first_value(ava, "sn"), first_value(ava, "givenName")
    affiliations = tuple(pair for pair in map(scoped, values(ava, "eduPersonScopedAffiliation")) if pair)
    return Assertion(
        eppn=eppn,
        email=first_value(ava, "mail"),
        last_name=clean_name(last),
        first_name=clean_name(first),
        display_name=clean_name(first_value(ava, "jaDisplayName") or first_value(ava, "displayName")),
        affiliations=affiliations,
    )
