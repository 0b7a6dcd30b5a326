#!/usr/bin/env python3
"""Django's command line, with the project's dev settings by default."""

import os
import sys

if __name__ == '__main__':
    os.environ.setdefault('DJANGO_SETTINGS_MODULE',
                          'volsnap_dashboard.devenv.settings')
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
