from django.urls import re_path

from volsnap_dashboard.dashboards.orphans import views as orphan_views
from volsnap_dashboard.dashboards.project.volume_protection import (
    views as index_views)
from volsnap_dashboard.dashboards.groups import views as group_views
from volsnap_dashboard.dashboards.snapshots.revert import views as revert_views
from volsnap_dashboard.dashboards.schedules import (
    workflow_views as schedule_workflow_views)
from volsnap_dashboard.dashboards.schedules import views as schedule_views
from volsnap_dashboard.dashboards.snapshots import views

SNAPSHOT = r'^(?P<snapshot_id>[^/]+)/'
GROUP_SNAPSHOT = r'^group_snapshots/(?P<group_snapshot_id>[^/]+)/'
SCHEDULE = r'^schedules/(?P<volume_id>[^/]+)/(?P<schedule_id>[0-9a-f]{8})/'

urlpatterns = [
    re_path(r'^$', index_views.IndexView.as_view(), name='index'),
    re_path(r'^protect/$', group_views.GroupProtectView.as_view(),
            name='protect'),
    re_path(r'^protect/volumes/$', views.ProtectVolumeSearchView.as_view(),
            name='protect_volumes'),
    re_path(r'^protect/group_members/$',
            group_views.GroupMembersView.as_view(), name='group_members'),
    # Before the snapshot URLs, whose first part matches anything.
    re_path(r'^schedules/create/$',
            schedule_workflow_views.CreateScheduleView.as_view(),
            name='create_schedule'),
    re_path(r'^schedules/edit/$',
            schedule_workflow_views.EditSchedulesView.as_view(),
            name='edit_schedules'),
    re_path(r'^schedules/forecast/$',
            schedule_views.QuotaForecastView.as_view(),
            name='quota_forecast'),
    re_path(r'^schedules/volumes/$',
            schedule_workflow_views.ScheduleVolumeSearchView.as_view(),
            name='schedule_volumes'),
    re_path(r'^schedules/(?P<volume_id>[^/]+)/(?P<schedule_id>[^/]+)/'
            r'update/$',
            schedule_workflow_views.UpdateScheduleView.as_view(),
            name='update_schedule'),
    re_path(SCHEDULE + r'$', schedule_views.ScheduleDetailView.as_view(),
            name='schedule_detail'),
    re_path(SCHEDULE + r'delete/$',
            schedule_views.DeleteScheduleView.as_view(),
            name='delete_schedule'),
    re_path(SCHEDULE + r'take_over/$',
            schedule_views.TakeOverScheduleView.as_view(),
            name='take_over_schedule'),
    re_path(GROUP_SNAPSHOT + r'$',
            group_views.GroupSnapshotDetailView.as_view(),
            name='group_snapshot'),
    re_path(GROUP_SNAPSHOT + r'restore/$',
            group_views.RestoreGroupView.as_view(), name='restore_group'),
    re_path(GROUP_SNAPSHOT + r'delete/$',
            group_views.DeleteGroupSnapshotView.as_view(),
            name='delete_group_snapshot'),
    re_path(SNAPSHOT + r'$', views.DetailView.as_view(), name='detail'),
    re_path(SNAPSHOT + r'restore/$', views.RestoreView.as_view(),
            name='restore'),
    re_path(SNAPSHOT + r'restore_group/$',
            group_views.RestoreMemberGroupView.as_view(),
            name='restore_snapshot_group'),
    re_path(SNAPSHOT + r'revert/$', revert_views.RevertView.as_view(),
            name='revert'),
    re_path(SNAPSHOT + r'adopt/$', orphan_views.AdoptView.as_view(),
            name='adopt_orphan'),
    re_path(SNAPSHOT + r'update/$', views.UpdateView.as_view(),
            name='update'),
    re_path(SNAPSHOT + r'metadata/$', views.MetadataView.as_view(),
            name='metadata'),
]
