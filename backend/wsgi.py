import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backend.settings")
application = get_wsgi_application()

# The web process (runserver's serving child, each gunicorn worker) runs the periodic tasks itself in embedded mode.
from backend import schedule  # noqa: E402 - needs the application (and so Django) set up first

schedule.start()
