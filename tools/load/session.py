"""One user's rounds: protect, restore and delete through the panel."""

import time

from cinderclient import exceptions as cinder_exc

from tools.load.cinder_checks import cinder_as
from tools.load.cinder_checks import cinder_read
from tools.load.config import INDEX
from tools.load.config import LOST_AFTER
from tools.load.config import POLL_INTERVAL
from tools.load.config import PREFIX
from tools.load.config import PROTECT
from tools.load.errors import Redo
from tools.load.errors import Retry
from tools.load.errors import StepFailed
from tools.load.stats import now
from tools.load.web import WebSession

class LoadSession:
    """Protect, wait, restore, wait, delete the volume, delete the snapshot,
    ``rounds`` times, as ``username``, on its own volume ``load-<index>``."""

    def __init__(self, run, index, username):
        self.run = run
        self.stats = run.stats
        self.index = index
        self.username = username
        self.who = '%s#%d' % (username, index)
        self.volume_name = '%s%d' % (PREFIX, index)
        self.volume_id = None
        self.cinder = cinder_as(username)
        self.web = WebSession(run.base_url, username, self.who, run.stats)
        self.replayed = False
        self.snapshot_id = None
        self.restored_id = None
        self.asked_at = 0.0
        self.admin = None

    # helpers

    def left(self):
        return self.run.deadline - now()

    def sleep(self, seconds):
        time.sleep(max(0.0, min(seconds, self.left())))

    def attempt(self, what, func, attempts=10, limit=180):
        deadline = min(now() + limit, self.run.deadline)
        delay = 1.0
        for number in range(1, attempts + 1):
            try:
                return func()
            except Retry as exc:
                self.stats.event(self.who, 'retry: %s' % what, exc)
                if number == attempts or now() + delay > deadline:
                    raise StepFailed('%s: gave up after %d attempts: %s'
                                     % (what, number, exc)) from exc
                self.sleep(delay)
                delay = min(delay * 1.6, 5.0)
        raise StepFailed(what)  # not reached

    def wait(self, what, check, limit=120, interval=POLL_INTERVAL):
        """Poll ``check`` until it returns a value other than None."""
        deadline = min(now() + limit, self.run.deadline)
        polls = int(limit / interval) + 1
        for _poll in range(polls):
            try:
                result = check()
            except Retry as exc:
                self.stats.event(self.who, 'retry: %s' % what, exc)
                result = None
            if result is not None:
                return result
            if now() + interval > deadline:
                break
            self.sleep(interval)
        raise StepFailed('%s: not done within %ss' % (what, limit))

    def snapshots_named(self, name):
        return cinder_read('snapshots named', lambda: [
            s for s in self.cinder.volume_snapshots.list(
                search_opts={'name': name}) if s.name == name])

    def volumes_named(self, name):
        return cinder_read('volumes named', lambda: [
            v for v in self.cinder.volumes.list(search_opts={'name': name})
            if v.name == name])

    def lost_in_restart(self):
        """Whether what was last asked for, still creating, was lost when
        Cinder stopped."""
        outage = self.stats.outage
        return (outage is not None and self.asked_at <= outage[1]
                and self.stats.t() > outage[1] + LOST_AFTER)

    def reset_lost(self, kind, resource):
        """As an administrator would: set it to error so it can go."""
        self.stats.event(self.who, '%s lost in the Cinder restart (still '
                         '%s %ds after it): reset to error as admin'
                         % (kind, resource.status, LOST_AFTER), resource.id)
        if self.admin is None:
            self.admin = cinder_as('admin')
        manager = (self.admin.volume_snapshots if kind == 'snapshot'
                   else self.admin.volumes)
        cinder_read('reset state', lambda: manager.reset_state(resource,
                                                               'error'))

    def replay_result(self, result):
        with self.stats.lock:
            self.stats.replays[result] += 1

    def duplicate(self, kind, name, found):
        self.stats.event(self.who, 'DUPLICATE %s' % kind,
                         '%s: %d of them' % (name, len(found)))
        with self.stats.lock:
            self.stats.duplicates.append((kind, name, [x.id for x in found]))

    # the round

    def run_all(self):
        self.attempt('log in', self.web.login, attempts=5)
        for number in range(1, self.run.rounds + 1):
            if self.left() <= 0:
                self.stats.event(self.who, 'run time limit reached')
                break
            try:
                self.one_round(number)
                with self.stats.lock:
                    self.stats.rounds_done += 1
            except StepFailed as exc:
                self.stats.event(self.who, 'ROUND FAILED', exc)
                with self.stats.lock:
                    self.stats.rounds_failed.append((self.who, number,
                                                     str(exc)))
                self.clean_up()

    def one_round(self, number):
        snapshot_name = '%s-s%d' % (self.volume_name, number)
        restore_name = '%s-r%d' % (self.volume_name, number)
        for _try in range(3):
            self.snapshot_id = self.attempt(
                'protect', lambda: self.protect(snapshot_name))
            if self.wait_snapshot(self.snapshot_id):
                break
            self.delete_snapshot()   # it ended in error: start again
        else:
            raise StepFailed('snapshot %s kept failing' % snapshot_name)
        for _try in range(3):
            self.restored_id = self.attempt(
                'restore', lambda: self.restore(restore_name))
            if self.wait_restored(self.restored_id):
                break
            self.delete_restored()
        else:
            raise StepFailed('restore %s kept failing' % restore_name)
        self.attempt('detail page', self.detail_page, attempts=5)
        self.delete_restored()
        self.delete_snapshot()

    def clean_up(self):
        for step in (self.delete_restored, self.delete_snapshot):
            try:
                step()
            except StepFailed as exc:
                self.stats.event(self.who, 'clean-up failed', exc)

    # protect

    def protect(self, name):
        found = self.snapshots_named(name)
        if found:   # an earlier attempt did create it after all
            if len(found) > 1:
                self.duplicate('snapshot', name, found)
            return found[0].id
        self.asked_at = self.stats.t()
        page = self.web.get(PROTECT)
        token = page.parsed.inputs.get('submission')
        if page.path != PROTECT or not token:
            raise Retry('protect form not shown (%s at %s): %s' % (
                page.status, page.path, page.errors()))
        if self.volume_id not in page.parsed.checkboxes.get('volumes', []):
            raise Retry('protect form does not offer %s' % self.volume_name)
        form = {'submission': token, 'volumes': [self.volume_id],
                'option_snapshot_name': name,
                'option_description': 'load test, session %d' % self.index}
        page = self.web.post(PROTECT, form)
        with self.stats.lock:
            self.stats.protects_posted += 1
        if not page.has_message('Protecting volume', ('success',)):
            raise Retry('protect not accepted (%s at %s): %s' % (
                page.status, page.path, page.errors()))
        found = self.snapshots_named(name)
        if len(found) > 1:
            self.duplicate('snapshot', name, found)
        if not found:
            raise Retry('protect said yes but Cinder has no %s' % name)
        if not self.replayed:
            self.replay(form, name)
        return found[0].id

    def replay(self, form, name):
        """The same POST again, its token already used: nothing new."""
        self.replayed = True

        def post_again():
            page = self.web.post(PROTECT, form)
            refused = page.has_message('already submitted', ('warning',))
            if not refused and page.unavailable:
                # The form could not check its volumes while Cinder was
                # down: no verdict on the token yet.
                raise Retry('replay while Cinder is unavailable: %s'
                            % page.errors())
            return refused, page, self.snapshots_named(name)
        try:
            refused, page, found = self.attempt('replay', post_again,
                                                attempts=6)
        except StepFailed as exc:
            self.stats.event(self.who, 'replay not checked', exc)
            self.replay_result('not checked')
            return
        if len(found) > 1:
            self.duplicate('snapshot (replayed token)', name, found)
            self.replay_result('duplicated')
        elif refused:
            self.replay_result('refused, no duplicate')
        else:
            self.stats.event(self.who, 'replay not refused with a message',
                             page.errors())
            self.replay_result('no duplicate, but no message')

    def wait_snapshot(self, snapshot_id):
        """Watch the index page: True when available, False on error."""
        polls = [0]

        def check():
            polls[0] += 1
            page = self.web.get(INDEX)
            row = page.parsed.rows.get(snapshot_id)
            status = row and row['status']
            if row is None and not page.unavailable and polls[0] % 3 == 0:
                # Not on the first page: ask Cinder (read-only).
                snapshot = cinder_read('snapshot', lambda: (
                    self.cinder.volume_snapshots.get(snapshot_id)))
                status = {'available': 'up', 'error': 'down'}.get(
                    snapshot.status)
            if status == 'up':
                return True
            if status == 'down':
                self.stats.event(self.who, 'snapshot ended in error')
                return False
            if self.lost_in_restart():
                snapshot = cinder_read('snapshot', lambda: (
                    self.cinder.volume_snapshots.get(snapshot_id)))
                if snapshot.status == 'creating':
                    self.reset_lost('snapshot', snapshot)
                    return False
            return None
        return self.wait('snapshot available', check)

    # restore

    def restore(self, name):
        found = self.volumes_named(name)
        if found:
            if len(found) > 1:
                self.duplicate('restored volume', name, found)
            return found[0].id
        url = '%s%s/restore/' % (INDEX, self.snapshot_id)
        self.asked_at = self.stats.t()
        page = self.web.get(url)
        token = page.parsed.inputs.get('submission')
        if page.path != url or not token:
            raise Retry('restore form not shown (%s at %s): %s' % (
                page.status, page.path, page.errors()))
        page = self.web.post(url, {
            'submission': token, 'size': 1,
            'restore__restore_name': name,
            'restore__restore_description': 'load test, session %d'
                                            % self.index})
        if not page.has_message('Restoring snapshot', ('success',)):
            raise Retry('restore not accepted (%s at %s): %s' % (
                page.status, page.path, page.errors()))
        found = self.volumes_named(name)
        if len(found) > 1:
            self.duplicate('restored volume', name, found)
        if not found:
            raise Retry('restore said yes but Cinder has no %s' % name)
        return found[0].id

    def wait_restored(self, volume_id):
        def check():
            volume = cinder_read('restored volume', lambda: (
                self.cinder.volumes.get(volume_id)))
            if volume.status == 'available':
                return True
            if volume.status.startswith('error'):
                self.stats.event(self.who, 'restored volume ended in %s'
                                 % volume.status)
                return False
            if volume.status == 'creating' and self.lost_in_restart():
                self.reset_lost('restored volume', volume)
                return False
            return None
        return self.wait('restored volume available', check)

    def detail_page(self):
        page = self.web.get('%s%s/' % (INDEX, self.snapshot_id))
        if page.unavailable or page.status != 200:
            raise Retry('detail page: %s %s' % (page.status, page.errors()))

    # delete

    def delete_restored(self):
        volume_id = self.restored_id
        if volume_id is None:
            return

        def delete():
            try:
                volume = cinder_read('restored volume', lambda: (
                    self.cinder.volumes.get(volume_id)))
                if volume.status != 'deleting':
                    self.asked_at = self.stats.t()
                    cinder_read('delete volume', lambda: (
                        self.cinder.volumes.delete(volume_id)))
            except cinder_exc.NotFound:
                return True
            return self.gone('restored volume', self.cinder.volumes,
                             volume_id)
        self.attempt('delete restored volume', delete, attempts=6)
        self.restored_id = None

    def delete_snapshot(self):
        snapshot_id = self.snapshot_id
        if snapshot_id is None:
            return

        def delete():
            try:
                snapshot = cinder_read('snapshot', lambda: (
                    self.cinder.volume_snapshots.get(snapshot_id)))
            except cinder_exc.NotFound:
                return True
            if snapshot.status != 'deleting':   # (the panel refuses then)
                self.asked_at = self.stats.t()
                page = self.web.post(INDEX, {
                    'action': 'protected_snapshots__delete',
                    'object_ids': [snapshot_id]})
                if not (page.has_message('Scheduled deletion', ('success',))
                        or page.has_message('no longer exists', ('info',))):
                    raise Retry('delete not accepted (%s): %s' % (
                        page.status, page.errors()))
            return self.gone('snapshot', self.cinder.volume_snapshots,
                             snapshot_id)
        self.attempt('delete snapshot', delete, attempts=6)
        self.snapshot_id = None

    def gone(self, kind, manager, resource_id):
        def check():
            try:
                resource = cinder_read('gone?', lambda: (
                    manager.get(resource_id)))
            except cinder_exc.NotFound:
                return True
            if resource.status.startswith('error'):
                raise Redo('%s is %s' % (resource_id, resource.status))
            if resource.status == 'deleting' and self.lost_in_restart():
                self.reset_lost(kind, resource)
                raise Redo('%s was lost while deleting' % resource_id)
            return None
        try:
            return self.wait('deleted', check, limit=60, interval=1.0)
        except (StepFailed, Redo) as exc:
            raise Retry(str(exc)) from exc


