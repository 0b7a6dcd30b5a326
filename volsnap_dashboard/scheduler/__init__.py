"""The scheduler service (``volsnap-scheduler``): runs the protection
schedules kept on Cinder volumes, for every project, without Horizon.

config (INI and environment), coordination (tooz locks and groups),
clients (service user and trust-scoped Cinder clients), sweep (one listing,
the decisions), run (one run of one schedule), verify (snapshot
verifications: started, finished and cleaned up by the sweeps), service
(the loop and signals), cli (the command line); for operators: metrics
(Prometheus, served with the health check of health), figures (what a
sweep's report says to the metrics), wire (Cinder's and Keystone's
errors, counted) and logcontext (each log line's schedule, volume,
project and slot).
"""
