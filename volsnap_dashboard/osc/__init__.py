"""The ``openstack volume protection ...`` commands: an openstackclient
plugin over the same protection plugins, schedules and Cinder clients as
the panels and the scheduler, acting with the user's own session."""
