"""The only place that talks to Cinder and Keystone."""
