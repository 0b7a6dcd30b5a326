"""The dev cloud (tools/devcloud) as the tools and the tests see it.

One place for who its users are and how to reach it (``identities``), how
to act in Cinder as one of them (``cinder``), how to wait (``waiting``), how
to read Horizon's pages and log in (``page_parser``, ``horizon_client``),
how to serve Horizon in a process of its own (``dev_server``), and how to
wait for or stop the servers the tests start (``processes``).

The tools import it; the integration tests import it too. It imports
nothing from ``tests/``.
"""
