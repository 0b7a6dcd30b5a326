"""Polling helpers for setting up and checking the dev cloud
(tools/devkit's)."""

from tools.devkit.cinder import delete_and_wait  # noqa: F401
from tools.devkit.cinder import temporary_volume  # noqa: F401
from tools.devkit.cinder import until_gone  # noqa: F401
from tools.devkit.cinder import until_status  # noqa: F401
