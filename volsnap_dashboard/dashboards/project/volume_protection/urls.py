from django.urls import re_path

from volsnap_dashboard.dashboards.project.volume_protection import views

SNAPSHOT = r'^(?P<snapshot_id>[^/]+)/'

urlpatterns = [
    re_path(r'^$', views.IndexView.as_view(), name='index'),
    re_path(r'^protect/$', views.ProtectView.as_view(), name='protect'),
    re_path(r'^protect/volumes/$', views.ProtectVolumeSearchView.as_view(),
            name='protect_volumes'),
    re_path(SNAPSHOT + r'$', views.DetailView.as_view(), name='detail'),
    re_path(SNAPSHOT + r'restore/$', views.RestoreView.as_view(),
            name='restore'),
    re_path(SNAPSHOT + r'update/$', views.UpdateView.as_view(),
            name='update'),
    re_path(SNAPSHOT + r'metadata/$', views.MetadataView.as_view(),
            name='metadata'),
]
