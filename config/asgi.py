"""ASGI entry point. Defaults to the production settings, which refuse to start without the
required secrets (a Chinese message naming the variable); `make run` sets the demo settings."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.prod")
application = get_asgi_application()
