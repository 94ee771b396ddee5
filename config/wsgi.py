"""WSGI entry point. Defaults to the production settings, which refuse to start without the
required secrets (a Chinese message naming the variable); `make run` sets the demo settings."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.prod")
application = get_wsgi_application()
