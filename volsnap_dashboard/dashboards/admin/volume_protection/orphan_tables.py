"""The admin Orphans table: every project's, with the projects' names;
Delete and Keep (adopting is the project's choice of schedule)."""

from django.utils.translation import gettext_lazy as _
from horizon import tables

from volsnap_dashboard.dashboards.common import tables as common_tables
from volsnap_dashboard.dashboards.orphans import finder as orphans
from volsnap_dashboard.dashboards.orphans import tables as project_tables


def project_name(orphan):
    return (getattr(orphan, 'project_name', None) or orphan.project_id
            or '-')


def admin_name_link(orphan):
    if orphan.resource_type == orphans.SNAPSHOT:
        return common_tables.url_for(
            'horizon:admin:volume_protection:detail', orphan.resource_id)
    return common_tables.url_for('horizon:admin:volumes:detail',
                                   orphan.resource_id)


class AdminKindFilter(project_tables.KindFilter):
    """By project (as the admin's Snapshots tab: a name, or an id) or by
    kind."""

    filter_choices = (
        ('project', _("Project (name or ID) ="), True),
        (project_tables.KIND_FIELD, _("Kind ="), True),
    )


class AdminOrphansTable(project_tables.OrphansTable):
    project = tables.WrappingColumn(project_name, verbose_name=_("Project"))
    name = tables.WrappingColumn('name', verbose_name=_("Name"),
                                 link=admin_name_link)

    class Meta(project_tables.OrphansTable.Meta):
        name = 'admin_orphans'
        columns = ('project', 'kind', 'name', 'about', 'size', 'status',
                   'age')
        table_actions = (AdminKindFilter,) + \
            project_tables.OrphansTable.Meta.table_actions[1:]
        row_actions = (project_tables.KeepOrphans,
                       project_tables.StopKeeping,
                       project_tables.DeleteOrphans)
