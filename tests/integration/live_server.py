"""Horizon with the plugin, served by `manage.py runserver` on a free port
(tools/devkit's dev server)."""

from tools.devkit.dev_server import DevServer  # noqa: F401
from tools.devkit.dev_server import free_port  # noqa: F401
