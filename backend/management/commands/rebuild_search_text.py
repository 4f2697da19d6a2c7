"""Rebuild every stored search text (the catalogue's and the expert directory's) from the rows as they are.

The services and the admin keep the texts fresh as they write; this is for a database written before they did
(an upgrade) or behind their back (SQL by hand). Safe to run at any time and as often as wanted.
"""

from django.core.management.base import BaseCommand

from backend.search import refresh_search_text
from consultations.models import ExpertProfile
from equipment.models import Category


class Command(BaseCommand):
    help = "Rebuild the stored search text of every instrument and expert entry."

    def handle(self, *args, **options):
        changed = refresh_search_text(  # every instrument has a category; every entry is named
            categories=Category.objects.values_list("pk", flat=True),
            experts=ExpertProfile.objects.values_list("pk", flat=True),
        )
        self.stdout.write(f"search texts rebuilt: {changed}")
