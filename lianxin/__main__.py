"""`lianxin` — the project's manage.py, installed as a console script."""

import os
import sys


def main() -> None:
    if sys.argv[1:2] == ["monitor"]:
        # The comparison reads files, not the site: no Django start (issue #15).
        from lianxin.monitoring.pipeline.cli import main as monitor

        sys.exit(monitor(sys.argv[2:]))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
