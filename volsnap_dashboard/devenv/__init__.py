"""Running the plugin from a checkout: dev settings and source paths.

Used by manage.py, the tools and the tests; never shipped in the wheel.
"""
