from django.urls import re_path

from volsnap_dashboard.dashboards.admin.volume_protection import views

SNAPSHOT = r'^(?P<snapshot_id>[^/]+)/'

urlpatterns = [
    re_path(r'^$', views.IndexView.as_view(), name='index'),
    re_path(SNAPSHOT + r'$', views.DetailView.as_view(), name='detail'),
    re_path(SNAPSHOT + r'reset_status/$', views.ResetStatusView.as_view(),
            name='reset_status'),
]
