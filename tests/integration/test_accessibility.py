"""axe-core (installed from npm into tools/a11y by tools/setup) run in
Debian's chromium on our pages and on Horizon's counterpart pages, in one
run against the dev cloud: our pages may have no rule violation that their
Horizon counterpart does not have. The table of violations per page is
written to test-artifacts/accessibility.txt, which tools/test prints."""

import json
import os

from playwright.sync_api import expect
import pytest

from tests.integration import group_fixtures
from tests.integration import test_admin_groups
from tests.integration.test_browser import ARTIFACTS
from tests.integration.test_browser import browser  # noqa: F401
from tests.integration.test_browser import logged_in_page
from tests.integration.test_browser import server  # noqa: F401
from tools.devkit import cinder as devcloud
from volsnap_dashboard.devenv import source_tree

pytestmark = pytest.mark.browser

AXE_DIR = os.path.join(source_tree.REPO_ROOT, 'tools', 'a11y', 'node_modules',
                       'axe-core')
TABLE = os.path.join(ARTIFACTS, 'accessibility.txt')
# Modal forms are checked inside the modal: the list page beneath it is
# checked on its own row.
MODAL = '#modal_wrapper .modal'


class Page:
    """A page to check: ``url`` opens it; with ``modal_link``, the link
    (a CSS selector on that page) whose modal form is checked instead,
    after ``prepare`` (what a user does first; it takes the modal's
    locator) and described as ``state``; a workflow's ``steps`` are
    checked one by one. ``user``: who sees it, when not the row's user."""

    def __init__(self, url, modal_link=None, prepare=None, state='',
                 steps=False, user=None):
        self.url = url
        self.modal_link = modal_link
        self.prepare = prepare
        self.state = state
        self.steps = steps
        self.user = user

    def describe(self):
        return self.url + (' + modal' if self.modal_link else '') + (
            ', every step' if self.steps else '') + (
            ', ' + self.state if self.state else '') + (
            ' (as %s)' % self.user if self.user else '')


def tick_first_volume(modal):
    box = modal.locator('input[type=checkbox]:visible:not([disabled])').first
    box.check()
    expect(box).to_be_checked()


def comparisons(snapshot, volume, group_snapshot):
    """(what, user, our page, Horizon's counterpart page or pages)."""
    ours = '/project/volume_protection/'
    admin_ours = '/admin/volume_protection/'
    admin_group = test_admin_groups.group_page(group_snapshot.id)
    project_group = ours + 'group_snapshots/%s/' % group_snapshot.id
    return [
        ('project list', 'demo', Page(ours), Page('/project/snapshots/')),
        ('protect form', 'demo',
         Page(ours, '#protected_snapshots__action_protect'),
         Page('/project/volumes/',
              'a.ajax-modal[href="/project/volumes/%s/create_snapshot/"]'
              % volume.id)),
        ('protect form, a volume ticked', 'demo',
         Page(ours, '#protected_snapshots__action_protect',
              tick_first_volume, 'a volume ticked'),
         Page('/project/volumes/',
              'a.ajax-modal[href="/project/volumes/%s/create_snapshot/"]'
              % volume.id)),
        ('restore form', 'demo',
         Page(ours, 'a.ajax-modal[href="%s%s/restore/"]' % (ours,
                                                            snapshot.id)),
         Page('/project/snapshots/',
              'a.ajax-modal[href="/project/volumes/create/?snapshot_id=%s"]'
              % snapshot.id)),
        ('revert form', 'demo',
         Page(ours, 'a.ajax-modal[href="%s%s/revert/"]' % (ours,
                                                           snapshot.id)),
         Page('/project/snapshots/',
              'a.ajax-modal[href="/project/volumes/create/?snapshot_id=%s"]'
              % snapshot.id)),
        ('detail page', 'demo', Page('%s%s/' % (ours, snapshot.id)),
         Page('/project/snapshots/%s' % snapshot.id)),
        ('group snapshot page', 'demo', Page(project_group),
         Page('/project/snapshots/%s' % snapshot.id)),
        ('restore group form', 'demo',
         Page(project_group, 'a.ajax-modal[href="%srestore/"]'
              % project_group),
         Page('/project/snapshots/',
              'a.ajax-modal[href="/project/volumes/create/?snapshot_id=%s"]'
              % snapshot.id)),
        ('volumes tab', 'demo', Page(ours + '?tab=volume_protection__volumes'),
         Page('/project/volumes/')),
        ('schedules tab', 'demo',
         Page(ours + '?tab=volume_protection__schedules'),
         Page('/project/snapshots/')),
        ('backups tab', 'demo',
         Page(ours + '?tab=volume_protection__protections'),
         Page('/project/backups/')),
        ('orphans tab', 'demo',
         Page(ours + '?tab=volume_protection__orphans'),
         Page('/project/snapshots/')),
        ('admin list', 'admin', Page(admin_ours),
         Page('/admin/snapshots/')),
        ('admin orphans tab', 'admin',
         Page(admin_ours + '?tab=volume_protection__orphans'),
         Page('/admin/snapshots/')),
        ('admin schedules tab', 'admin',
         Page(admin_ours + '?tab=volume_protection__schedules'),
         Page('/admin/snapshots/')),
        ('admin backups tab', 'admin',
         Page(admin_ours + '?tab=volume_protection__admin_protections'),
         Page('/admin/backups/')),
        ('admin detail', 'admin', Page('%s%s/' % (admin_ours, snapshot.id)),
         Page('/admin/snapshots/%s' % snapshot.id)),
        ('admin group snapshot page', 'admin', Page(admin_group),
         Page('/admin/snapshots/%s' % snapshot.id)),
        ('admin delete group snapshot form', 'admin',
         Page(admin_group, 'a.ajax-modal[href="%sdelete/"]' % admin_group),
         Page('/admin/snapshots/',
              'a.ajax-modal[href="/admin/snapshots/%s/update_status/"]'
              % snapshot.id)),
        # Horizon has no schedules: its nearest workflow on a cloud of
        # Keystone and Cinder is the admin's Create Project; its Create
        # Volume has the same quota bars and number fields.
        ('create schedule workflow', 'demo',
         Page(ours + '?tab=volume_protection__schedules',
              '#schedules__action_create_schedule', steps=True),
         [Page('/identity/', '#tenants__action_create', steps=True,
               user='admin'),
          Page('/project/volumes/', '#volumes__action_create')]),
        ('reset status form', 'admin',
         Page(admin_ours, 'a.ajax-modal[href="%s%s/reset_status/"]'
              % (admin_ours, snapshot.id)),
         Page('/admin/snapshots/',
              'a.ajax-modal[href="/admin/snapshots/%s/update_status/"]'
              % snapshot.id)),
    ]


def axe_version():
    with open(os.path.join(AXE_DIR, 'package.json')) as package:
        return json.load(package)['version']


@pytest.fixture(scope='module')
def axe_installed():
    if not os.path.exists(os.path.join(AXE_DIR, 'axe.min.js')):
        pytest.fail('axe-core is not installed in tools/a11y: run tools/setup')


def violations(page, base_url, checked):
    """axe-core's violated rules on ``checked``: {rule id: [where]}."""
    # A message queued by the page checked before (Horizon's Volumes page
    # fails to reach Nova, which the dev cloud lacks) is not this page's.
    page.context.clear_cookies(name='messages')
    response = page.goto(base_url + checked.url)
    assert response.status == 200, checked.url
    context = 'document'
    if checked.modal_link:
        link = page.locator(checked.modal_link).first
        # Row actions sit in closed drop-down menus: click the link as
        # Horizon's own handler receives it, without opening the menu.
        link.evaluate('link => link.click()')
        expect(page.locator(MODAL + ' form')).to_be_visible()
        # Bootstrap's fade-in: axe must see the modal's final colours.
        expect(page.locator(MODAL + '.in')).to_have_count(1)
        page.wait_for_function(
            'getComputedStyle(document.querySelector(%s)).opacity === "1"'
            % json.dumps(MODAL))
        if checked.prepare:
            checked.prepare(page.locator(MODAL))
        context = json.dumps(MODAL)
    page.add_script_tag(path=os.path.join(AXE_DIR, 'axe.min.js'))
    if not checked.steps:
        return run_axe(page, context)
    found = {}
    steps = page.locator(MODAL + ' [role=tablist] a[data-toggle=tab]')
    assert steps.count() > 1, checked.describe()
    for number in range(steps.count()):
        step = steps.nth(number)
        step.click()
        expect(page.locator(MODAL + ' ' + step.get_attribute('data-target'))
               ).to_be_visible()
        for rule, nodes in run_axe(page, context).items():
            found.setdefault(rule, []).extend(nodes)
    return found


def run_axe(page, context):
    results = page.evaluate('axe.run(%s, {resultTypes: ["violations"]})'
                            % context)
    return {rule['id']: ['%s %s' % (' '.join(map(str, node['target'])),
                                    node['html'][:160])
                         for node in rule['nodes']]
            for rule in results['violations']}


def listed(found):
    return ', '.join('%s (%d)' % (rule, len(nodes))
                     for rule, nodes in sorted(found.items())) or '-'


def table(rows):
    lines = ['Accessibility: axe-core %s rule violations (nodes) per page'
             % axe_version()]
    for what, our_page, ours, horizons in rows:
        added = sorted(added_rules(ours, horizons))
        lines += ['',
                  '%s: %s' % (what, 'ADDS ' + ', '.join(added)
                              if added else 'adds nothing'),
                  '  ours     %s' % our_page.describe(),
                  '           %s' % listed(ours)]
        for horizon_page, found in horizons:
            lines += ['  Horizon  %s' % horizon_page.describe(),
                      '           %s' % listed(found)]
    return '\n'.join(lines) + '\n'


def added_rules(ours, horizons):
    """Our violated rules that none of the Horizon counterparts has."""
    return set(ours).difference(*(found for _, found in horizons))


@pytest.fixture
def checked_snapshot():
    """A snapshot of demo's with a volume restored from it, so the detail
    pages list one."""
    demo = devcloud.cinder_as('demo')
    with devcloud.temporary_volume(demo, 'browser-a11y') as volume:
        snapshot = demo.volume_snapshots.create(volume.id,
                                                name='browser-a11y-snap')
        try:
            devcloud.until_status(demo.volume_snapshots, snapshot.id,
                                 'available')
            restored = demo.volumes.create(1, snapshot_id=snapshot.id,
                                           name='browser-a11y-restored')
            try:
                devcloud.until_status(demo.volumes, restored.id, 'available')
                yield snapshot, volume
            finally:
                devcloud.delete_and_wait(demo.volumes, restored.id)
        finally:
            devcloud.delete_and_wait(demo.volume_snapshots, snapshot.id)


@pytest.fixture
def checked_group_snapshot():
    """A group snapshot of demo's, so the admin list shows its members
    and the admin group snapshot page lists them."""
    with group_fixtures.volume_group('browser-a11y-group') as (group, _):
        yield test_admin_groups.demo_group_snapshot(
            group, 'browser-a11y-group-snap')[0]


def test_our_pages_add_no_violation_to_horizons(browser, server,  # noqa
                                                axe_installed,
                                                checked_snapshot,
                                                checked_group_snapshot):
    if os.path.exists(TABLE):
        os.remove(TABLE)
    pages = {}
    # Horizon's Snapshots pages stand beside several of ours: each is
    # checked once.
    found = {}

    def check(checked, user):
        who = checked.user or user
        if who not in pages:
            pages[who] = logged_in_page(browser, server, who)
        key = (who, checked.url, checked.modal_link, checked.prepare,
               checked.steps, checked.state)
        if key not in found:
            found[key] = violations(pages[who], server.url, checked)
        return found[key]

    rows = []
    for what, user, our_page, counterparts in comparisons(
            *checked_snapshot, checked_group_snapshot):
        if isinstance(counterparts, Page):
            counterparts = [counterparts]
        rows.append((what, our_page, check(our_page, user),
                     [(counterpart, check(counterpart, user))
                      for counterpart in counterparts]))
    with open(TABLE, 'w') as out:
        out.write(table(rows))
    added = {what: {rule: ours[rule] for rule in added_rules(ours, horizons)}
             for what, _, ours, horizons in rows
             if added_rules(ours, horizons)}
    assert not added, 'where: %s\n%s' % (json.dumps(added, indent=1),
                                          table(rows))
