"""volsnap-dashboard: protect Cinder volumes with snapshots from Horizon."""
