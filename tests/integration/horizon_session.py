"""Log in to Horizon through its real login form (tools/devkit's
in-process Horizon client)."""

from tools.devkit.horizon_client import login  # noqa: F401
from tools.devkit.horizon_client import post  # noqa: F401
from tools.devkit.horizon_client import request_for  # noqa: F401
