#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "knowsley_sv.settings.base")
    if os.environ["DJANGO_SETTINGS_MODULE"].endswith(".base") and not os.environ.get("DJANGO_SECRET_KEY"):
        # Without a secret key this is a developer's machine: local development mode. Deployed
        # environments set DJANGO_SECRET_KEY (and use knowsley_sv.settings.production).
        os.environ.setdefault("DJANGO_DEBUG", "1")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
