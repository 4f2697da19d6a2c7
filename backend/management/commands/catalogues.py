"""manage.py catalogues update|compile|check: the translation catalogues (backend.catalogues)."""

from django.core.management.base import BaseCommand, CommandError

from backend import catalogues


class Command(BaseCommand):
    help = "Update (makemessages; needs GNU gettext), compile (pure Python) or check the translation catalogues."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["update", "compile", "check"])
        parser.add_argument("--force", action="store_true", help="compile: write every .mo, not only stale ones")

    def handle(self, *args, action, force=False, **options):
        if action == "update":
            catalogues.update()
            self.stdout.write("catalogues updated; translate the empty entries of the non-English catalogues")
        elif action == "compile":
            written = catalogues.compile_catalogues(force=force)
            self.stdout.write(f"{len(written)} catalogue(s) compiled")
        else:
            problems = []
            for path, entries in catalogues.untranslated_entries().items():
                problems.append(f"{path}: {len(entries)} untranslated or fuzzy, e.g. {entries[:3]}")
            for path, diff in catalogues.stale_messages().items():
                problems.append(
                    f"{path}: stale, missing {sorted(diff['missing'], key=str)[:3]}, unused {sorted(diff['unused'], key=str)[:3]}"
                )
            if problems:
                raise CommandError("\n".join(problems))
            self.stdout.write("catalogues are current and complete")
