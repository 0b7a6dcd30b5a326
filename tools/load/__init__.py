"""Load and faults: many logged-in users driving the Volume Protection panel
over HTTP while Cinder is restarted under them.

Used by ``tools/loadtest`` (by hand, 20 sessions by default) and by
``tests/integration/test_load.py`` (a small run inside ``tools/test``).

Each session is its own ``requests.Session`` that logs in through Horizon's
real login form and then only uses the panel's HTTP endpoints, as a browser
would: the protect form (its one-time ``submission`` token), the protect
POST, the index page until the snapshot is available, the restore form and
POST, the table's delete POST. Cinder is only read to find what a POST
created and to wait, except that the restored volumes are deleted with
cinderclient as the user (the panel does not delete volumes).

Every loop has a count and a time limit, and the whole run has a deadline.

The parts: ``config`` (paths, names, limits), ``errors`` (what a step
tells its caller), ``stats`` (what happened), ``web`` (one browser-like
session), ``cinder_checks`` (the run's own Cinder calls), ``session`` (one
user's rounds), ``outage`` (the Cinder restart and its probes),
``connections`` (Horizon's connections to Cinder), ``inventory`` (what the
run left in Cinder), ``run`` (the whole run) and ``report``.
"""
