from django.urls import re_path

from volsnap_dashboard.dashboards.admin.volume_protection import (
    group_views)
from volsnap_dashboard.dashboards.admin.volume_protection import (
    schedule_views)
from volsnap_dashboard.dashboards.admin.volume_protection import views
from volsnap_dashboard.dashboards.protections import admin as protections

SNAPSHOT = r'^(?P<snapshot_id>[^/]+)/'
GROUP_SNAPSHOT = r'^group_snapshots/(?P<group_snapshot_id>[^/]+)/'
GROUP_SNAPSHOT_PAGES = (
    (r'$', group_views.AdminGroupSnapshotDetailView, 'group_snapshot'),
    (r'delete/$', group_views.AdminDeleteGroupSnapshotView,
     'delete_group_snapshot'),
)
SCHEDULE = r'^schedules/(?P<volume_id>[^/]+)/(?P<schedule_id>[0-9a-f]{8})/'

urlpatterns = [
    re_path(r'^$', views.IndexView.as_view(), name='index'),
    re_path(SCHEDULE + r'$',
            schedule_views.AdminScheduleDetailView.as_view(),
            name='schedule_detail'),
    re_path(SCHEDULE + r'delete/$',
            schedule_views.AdminDeleteScheduleView.as_view(),
            name='delete_schedule'),
    re_path(r'^protections/(?P<protection_id>[^/]+)/reset_status/$',
            protections.ResetProtectionStatusView.as_view(),
            name='reset_protection_status'),
    # Before the snapshot URLs, whose first part matches anything.
    *(re_path(GROUP_SNAPSHOT + tail, view.as_view(), name=name)
      for tail, view, name in GROUP_SNAPSHOT_PAGES),
    re_path(SNAPSHOT + r'$', views.DetailView.as_view(), name='detail'),
    re_path(SNAPSHOT + r'reset_status/$', views.ResetStatusView.as_view(),
            name='reset_status'),
]
