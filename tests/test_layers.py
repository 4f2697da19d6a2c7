"""Which way imports may point (docs/architecture.md).

Two checks, both failing on a module that imports across the lines:
- the import-linter contracts in pyproject.toml (`lint-imports` runs the same): apps depend one way, the product never
  imports devtools, no app's API imports another's, and backend (plumbing) imports no app above consortia but the
  models its search text is built of;
- finer than those, this file's own walk of the import graph: an app's interface modules (api, api_urls, views, forms,
  urls, serializers) reach another app only through its selectors, services, errors, rules, serializers meant for
  reuse, and models — and a model imported from another app is used for its type, constants or `isinstance`, never
  queried (`Model.objects…`, `get_object_or_404(Model, …)`): reads go through the owning app's selectors.
Each check is also run on a graph or source with one bad import added, to show it would catch one.
"""

import ast
import copy
from pathlib import Path

import grimp
import pytest
from importlinter import configuration
from importlinter.application import use_cases
from importlinter.application.user_options import UserOptions

ROOT = Path(__file__).resolve().parent.parent
APPS = [
    "consortia",
    "equipment",
    "bookings",
    "notifications",
    "consultations",
    "invoices",
    "usage_reports",
    "reports",
    "home",
    "accounts",
    "people",
    "registrations",
    "sso",
    "staffing",
    "contributions",
]
INTERFACES = {"api", "api_urls", "views", "forms", "urls", "serializers"}
# What an interface module of one app may import of another app (`backend` and the app itself are free).
OTHER_APP_DOORS = {"selectors", "services", "errors", "rules", "serializers", "models"}
# One named crossing: the pages bookings serves for equipment's changes that may hit bookings (downtime, opening
# hours, retirement: bookings.views.disruptions) parse and re-show equipment's own forms of those changes.
ALLOWED_CROSSINGS = {("bookings.views.disruptions", "equipment.forms")}
QUERYING_CALLS = {"get_object_or_404", "get_list_or_404"}
MANAGERS = {"objects", "_default_manager", "_base_manager"}


@pytest.fixture(scope="module")
def options() -> UserOptions:
    configuration.configure()  # what `lint-imports` does first: the readers of the config and the graph builder
    return use_cases.read_user_options(str(ROOT / "pyproject.toml"))


@pytest.fixture(scope="module")
def graph(options) -> grimp.ImportGraph:
    return grimp.build_graph(*options.session_options["root_packages"], cache_dir=None)


def check_contracts(options: UserOptions, graph: grimp.ImportGraph) -> dict[str, bool]:
    """Each contract of pyproject.toml checked against `graph`: its name → kept."""
    use_cases._register_built_in_contract_types()
    kept = {}
    for contract_options in options.contracts_options:
        contract_class = use_cases.registry.get_contract_class(contract_options["type"])
        contract = contract_class(
            name=contract_options["name"],
            session_options=options.session_options,
            contract_options=contract_options,
        )
        kept[contract_options["id"]] = contract.check(copy.deepcopy(graph), verbose=False).kept
    return kept


def crossings(graph: grimp.ImportGraph) -> list[str]:
    """Imports from an app's interface module into another app by a door other than OTHER_APP_DOORS."""
    found = []
    for module in sorted(graph.modules):
        app, _, rest = module.partition(".")
        if app not in APPS or rest.split(".")[0] not in INTERFACES:
            continue
        for imported in sorted(graph.find_modules_directly_imported_by(module)):
            other, _, door = imported.partition(".")
            if (module, imported) in ALLOWED_CROSSINGS:
                continue
            if other in APPS and other != app and door.split(".")[0] not in OTHER_APP_DOORS:
                found.append(f"{module} -> {imported}")
    return found


def queried_foreign_models(source: str, module: str) -> list[str]:
    """Where `source` (the text of `module`) queries a model it imported from another app."""
    app = module.split(".")[0]
    tree = ast.parse(source)
    foreign = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            other, _, rest = node.module.partition(".")
            if other in APPS and other != app and rest == "models":
                foreign |= {alias.asname or alias.name for alias in node.names}
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr in MANAGERS:
            if isinstance(node.value, ast.Name) and node.value.id in foreign:
                found.append((node.lineno, f"{module}:{node.lineno} {node.value.id}.{node.attr}"))
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in QUERYING_CALLS:
            first = node.args[0] if node.args else None
            if isinstance(first, ast.Name) and first.id in foreign:
                found.append((node.lineno, f"{module}:{node.lineno} {node.func.id}({first.id}, …)"))
    return [where for _, where in sorted(found)]


def interface_sources():
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            parts = path.relative_to(ROOT).with_suffix("").parts
            if len(parts) > 1 and parts[1] in INTERFACES:
                yield ".".join(p for p in parts if p != "__init__"), path.read_text(encoding="utf-8")


# --- The tree keeps the rules ---------------------------------------------------------------------------------------
def test_the_import_contracts_of_pyproject_are_kept(options, graph):
    assert {contract["id"] for contract in options.contracts_options} == {"apps", "devtools", "apis", "backend"}
    assert check_contracts(options, graph) == {"apps": True, "devtools": True, "apis": True, "backend": True}


def test_interface_modules_reach_other_apps_only_through_their_doors(graph):
    assert crossings(graph) == []


def test_interface_modules_do_not_query_other_apps_models():
    sources = list(interface_sources())
    assert {"equipment.api.instruments", "consultations.views", "bookings.views.catalogue"} <= dict(sources).keys()
    assert [where for module, source in sources for where in queried_foreign_models(source, module)] == []


# --- Each check catches a crossing ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "importer, imported, broken",
    [
        ("consortia.models", "bookings.models", "apps"),  # a lower app reaching up
        ("equipment.selectors", "consultations.selectors", "apps"),
        ("bookings.services", "reports.selectors", "apps"),
        ("notifications.services", "consortia.selectors", "apps"),  # independent at the bottom
        ("invoices.selectors", "usage_reports.selectors", "apps"),  # siblings stay independent
        ("backend.web", "devtools.demo", "devtools"),  # backend is outside the layers, still not devtools
        ("consultations.api", "bookings.api", "apis"),
        ("backend.web", "bookings.selectors", "backend"),  # plumbing is not where a booking rule goes
    ],
)
def test_a_contract_breaks_when_an_import_crosses_its_line(options, graph, importer, imported, broken):
    crossed = copy.deepcopy(graph)
    crossed.add_import(importer=importer, imported=imported)
    assert check_contracts(options, crossed)[broken] is False


@pytest.mark.parametrize(
    "importer, imported",
    [
        ("consultations.api", "bookings.api"),
        ("invoices.api", "bookings.pricing"),
        ("reports.views", "consortia.forms"),
        ("equipment.api.files", "consortia.admin"),
        ("bookings.views.catalogue", "consultations.matching"),
    ],
)
def test_an_interface_module_reaching_past_another_apps_doors_is_found(graph, importer, imported):
    crossed = copy.deepcopy(graph)
    crossed.add_import(importer=importer, imported=imported)
    assert crossings(crossed) == [f"{importer} -> {imported}"]


def test_an_own_apps_module_and_another_apps_doors_are_not_crossings(graph):
    crossed = copy.deepcopy(graph)
    crossed.add_import(importer="invoices.api", imported="invoices.totals")
    crossed.add_import(importer="invoices.views", imported="bookings.selectors")
    crossed.add_import(importer="invoices.services", imported="bookings.pricing")  # not an interface module
    assert crossings(crossed) == []


def test_querying_another_apps_model_in_an_interface_module_is_found():
    source = (
        "from django.shortcuts import get_object_or_404\n"
        "from consortia.models import Consortium, Institution as Inst\n"
        "from .models import Report\n"
        "def a(pk):\n"
        "    return get_object_or_404(Consortium, pk=pk)\n"
        "def b():\n"
        "    return Inst.objects.all(), Report.objects.all(), Consortium.Kind\n"
        "def c(x: Consortium) -> bool:\n"
        "    return isinstance(x, Inst)\n"
    )
    assert queried_foreign_models(source, "reports.views") == [
        "reports.views:5 get_object_or_404(Consortium, …)",
        "reports.views:7 Inst.objects",
    ]
