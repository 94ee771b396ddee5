"""The demo as users will see it (`make run`): DEBUG off, Chinese error pages, static files
from whitenoise, the development keys (never use this module for real residents' data)."""

from .base import *  # noqa: F403

DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]", *ALLOWED_HOSTS]  # noqa: F405
