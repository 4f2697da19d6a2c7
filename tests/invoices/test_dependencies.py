"""Dependencies flow one way: invoices and usage reports build on bookings, which never imports them."""

import ast
from pathlib import Path

from django.conf import settings

BELOW = ("consortia", "equipment", "bookings", "notifications")
NEW = ("invoices", "usage_reports")


def imported_apps(app: str) -> set[str]:
    found = set()
    for path in (Path(settings.BASE_DIR) / app).rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                found.add(node.module.split(".")[0])
    return found


def test_bookings_and_the_apps_below_never_import_the_new_apps():
    for app in BELOW:
        assert not imported_apps(app) & set(NEW), app


def test_the_new_apps_import_neither_each_other_nor_the_reports():
    assert not imported_apps("invoices") & {"usage_reports", "reports", "consultations"}
    assert not imported_apps("usage_reports") & {"invoices", "reports", "consultations"}
