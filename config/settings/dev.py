from .base import *  # noqa: F403
from .base import env_bool

# The developer's own debugging: `DEBUG=false` (as `make run` and `lianxin serve` do) shows the
# demo as users see it — Chinese error pages, static files through WhiteNoise.
DEBUG = env_bool("DEBUG", True)
