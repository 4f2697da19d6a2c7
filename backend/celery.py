"""The Celery app.

Without CELERY_BROKER_URL the tasks run in-process and eagerly (embedded mode), so nothing but
Python is needed; with it, real workers and beat consume the broker (production and CI).
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backend.settings")

app = Celery("kyoyo")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
