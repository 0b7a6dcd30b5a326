"""Snapshot verifications, carried by the scheduler's sweeps.

A verification restores a snapshot to a temporary volume and records on
the snapshot whether Cinder made that volume available. No sweep waits for
Cinder: one sweep starts it (or a schedule's run does), a later sweep finds
the temporary volume settled, or older than the timeout, records the
outcome and deletes the volume. A scheduler killed in between leaves
nothing that the next sweep does not finish or clean up.

Each sweep lists the snapshots requested (every project, Cinder's
exact-match metadata filter). The snapshots verifying and the temporary
volumes are listed too when something may be in flight: a request was
listed, this process started or saw a verification at its last sweep, or
half the timeout has passed since it last looked (its first sweep
included), which is soon enough for a temporary volume that only counts as
left behind once older than the timeout. So a sweep with nothing to verify
makes one listing, and never more than three, however many there are of
each; what was left for its tenant (below) and is unchanged keeps nothing
in flight. Everything else is one call per verification that has something to
do.

Only the listings use the service user's rights (admin_calls.py).
Everything else is done with the tenant's trust-scoped client, the trust
recorded with the verification (a request's, or the trust of the schedule
whose run started it; the temporary volume is tagged with it too), so it
is the tenant's volume under the tenant's quota, and Cinder refuses the
scheduler whatever it would refuse the tenant. Nothing is ever forced: a
temporary volume Cinder does not delete for the tenant (whatever its
state, its tags can be the tenant's own doing) is left, as is everything of
a verification whose trust is gone or acts in another project; the panel's
Orphans tab lists such volumes. Each is logged once.
"""

import dataclasses
import logging
import time
import weakref

from django.utils.translation import gettext as _

from volsnap_dashboard.api import cinder_facts
from volsnap_dashboard.api import errors
from volsnap_dashboard.protection import base
from volsnap_dashboard.protection import parameters
from volsnap_dashboard.protection import registry
from volsnap_dashboard.protection import times
from volsnap_dashboard.protection.schedule import retention as \
    retention_rules
from volsnap_dashboard.protection import verification
from volsnap_dashboard.scheduler import admin_calls
from volsnap_dashboard.scheduler import cinder_calls

LOG = logging.getLogger(__name__)

# Not a trust id nor a status: what was never left for a tenant.
_NOT_LEFT = object()


@dataclasses.dataclass
class VerifyReport:
    """What one sweep's verification pass saw and did."""
    requested: int = 0
    verifying: int = 0
    volumes: int = 0
    started: list = dataclasses.field(default_factory=list)
    outcomes: dict = dataclasses.field(default_factory=dict)
    deleted: list = dataclasses.field(default_factory=list)
    #: The trusts named by the snapshots and volumes listed.
    trusts: set = dataclasses.field(default_factory=set)


def _verifies(volume, snapshot):
    """Whether ``volume`` is a temporary volume of ``snapshot``, in the
    snapshot's project (metadata naming another project's volume, or a
    volume claiming another project's snapshot, does not count)."""
    return (verification.is_verification_volume(volume) and
            verification.snapshot_of(volume) == snapshot.id and
            cinder_facts.volume_project(volume) == snapshot.project_id)


def _trust_of_volume(volume):
    return (getattr(volume, 'metadata', None) or {}).get(
        verification.VERIFICATION_TRUST_KEY)


def _trusts_of(snapshots, volumes):
    """The trusts the verifications of ``snapshots`` and the temporary
    ``volumes`` act with."""
    return ({verification.trust_of(snapshot) for snapshot in snapshots} |
            {_trust_of_volume(volume) for volume in volumes}) - {None, ''}


def _age(volume, now):
    """Seconds since the temporary volume was made (None if unknown)."""
    started = verification.started_at(volume)
    return None if started is None else (now - started).total_seconds()


# What the verifier remembers having logged, at most.
_MAX_TOLD = 10000


class Verifier:
    """Starts and finishes verifications.

    ``admin`` is an admin_calls.AdminCinder (listings only).
    ``tenant_clients(trust_id)`` gives a run.TenantClient (or raises
    errors.AuthorizationLost); runs get theirs through
    :meth:`tenant_client`, which remembers the trust of each client so
    that a verification a run starts records it.
    Trusts are never deleted here: Keystone lets only their trustor (or
    an admin) delete them, and a request's expires after a day.
    ``clock`` is the wall clock: the times recorded on snapshots are real
    ones, whatever instant a sweep evaluates schedules at.
    """

    def __init__(self, admin, tenant_clients, plugin,
                 clock=times.now, timeout=600.0, coordinator=None,
                 owns=lambda key: True, dry_run=False,
                 stop_requested=lambda: False, monotonic=time.monotonic):
        self.admin = admin
        self.tenant_clients = tenant_clients
        # The trust each tenant client handed to a run acts with.
        self._trust_of_client = weakref.WeakKeyDictionary()
        # Trusts that gave no usable client: when (monotonic), so Keystone
        # is asked again only after the timeout.
        self._unusable = {}
        # What was logged once already.
        self._told = set()
        # Each protection is verified through the plugin that listed it.
        self.plugins = registry.PluginSet.of(plugin)
        self._plugin_of = {}
        self.clock = clock
        self.timeout = timeout
        self.coordinator = coordinator
        self.owns = owns
        self.dry_run = dry_run
        self.stop_requested = stop_requested
        self.monotonic = monotonic
        # When this process last listed what may be in flight (None:
        # never), and whether something was then, or started since.
        self._looked_at = None
        self._in_flight = False
        # What the last look left for the tenant ({id: its trust, or the
        # volume's status}), and what this sweep leaves: unchanged, it
        # keeps nothing in flight.
        self._left = {}
        self._left_now = {}

    # The sweep's pass

    def sweep(self):
        """Finish, clean up, then start: one listing, three when
        something may be in flight."""
        admin = self.admin
        # Rebuilt at each sweep from its listings: never grows for months.
        self._plugin_of = {}
        requested = self._tagged(admin, verification.REQUESTED)
        waiting = [snapshot for snapshot in requested
                   if self._left.get(snapshot.id, _NOT_LEFT) !=
                   verification.trust_of(snapshot)]
        if not waiting and not self._may_be_in_flight():
            LOG.debug("verifications: none requested (but %d left for "
                      "their tenant), none in flight", len(requested))
            return VerifyReport(trusts=_trusts_of(requested, []))
        self._looked_at = self.monotonic()
        verifying = self._tagged(admin, verification.VERIFYING)
        volumes = admin_calls.volumes_tagged(
            admin, verification.VERIFICATION_KEY,
            verification.VERIFICATION_VALUE)
        report = VerifyReport(len(requested), len(verifying), len(volumes),
                              trusts=_trusts_of(requested + verifying,
                                                volumes))
        volumes = [volume for volume in volumes
                   if verification.is_verification_volume(volume)]
        # Finished at this sweep or not, they are looked at again once
        # (unless left for their tenant); stopped half way, all are.
        self._in_flight = bool(requested or verifying or volumes)
        seen = {item.id for item in requested + verifying + volumes}
        self._left_now = {}
        if self.dry_run:
            LOG.info("verifications: %d requested, %d verifying, %d "
                     "temporary volume(s) (dry run: nothing done)",
                     *self._counts(report))
            return report
        volumes_of = {}
        for volume in volumes:
            volumes_of.setdefault(verification.snapshot_of(volume),
                                  []).append(volume)
        claimed = set()
        for snapshot in verifying:
            if self._stopping():
                return report
            own = [volume for volume in volumes_of.get(snapshot.id, [])
                   if _verifies(volume, snapshot)]
            claimed.update(volume.id for volume in own)
            self._locked(snapshot.id, self._check, snapshot, own, report)
        for volume in volumes:
            if self._stopping():
                return report
            if volume.id not in claimed:
                self._left_behind(volume, report)
        for snapshot in requested:
            if self._stopping():
                return report
            self._locked(snapshot.id, self._start_requested, snapshot,
                         report)
        self._in_flight = bool(report.started or seen - set(self._left_now))
        self._left = self._left_now
        self._forget_unlisted(report.trusts | seen)
        # Every sweep comes here: a line only when there was something.
        LOG.log(logging.INFO if any(self._counts(report)) else logging.DEBUG,
                "verifications: %d requested, %d verifying, %d temporary "
                "volume(s); started %d, finished %d, deleted %d volume(s)",
                *self._counts(report), len(report.started),
                len(report.outcomes), len(report.deleted))
        return report

    def _may_be_in_flight(self):
        return (self._in_flight or self._looked_at is None or
                self.monotonic() - self._looked_at >= self.timeout / 2)

    @staticmethod
    def _counts(report):
        return report.requested, report.verifying, report.volumes

    def _stopping(self):
        if self.stop_requested():
            LOG.info("stopping: the remaining verifications wait for the "
                     "next start")
            return True
        return False

    def _locked(self, snapshot_id, action, *args):
        """``action(*args)`` unless another process owns or holds the
        snapshot's verification. A Cinder failure stops this one
        verification's step only: it is tried again at the next sweep."""
        if not self.owns(snapshot_id):
            return
        try:
            if self.coordinator is None:
                action(*args)
                return
            with self.coordinator.run_lock(snapshot_id, 'verify') as held:
                if not held:
                    LOG.info("verification of snapshot %s: another "
                             "scheduler holds it", snapshot_id)
                    return
                action(*args)
        except errors.VolsnapAPIError as exc:
            LOG.error("verification of snapshot %s: %s (tried again at the "
                      "next sweep)", snapshot_id, exc)

    # The tenant's client

    def tenant_client(self, trust_id):
        """``tenant_clients(trust_id)``, remembering the client's trust
        (the Runner's way to the tenant's client)."""
        tenant = self.tenant_clients(trust_id)
        self._trust_of_client[tenant.client] = trust_id
        return tenant

    def _forget_unlisted(self, listed):
        """Forget what is remembered of the trusts and volumes this sweep
        did not list (``listed``: their ids): trust ids are tenants'
        writing, and new ones at every sweep must not grow the process."""
        self._unusable = {trust_id: since for trust_id, since
                          in self._unusable.items() if trust_id in listed}
        self._told = {key for key in self._told
                      if key[1] is None or key[1] in listed}
        if len(self._told) > _MAX_TOLD:
            # Items without a trust: at worst, logged once more.
            self._told = set()

    def _tell_once(self, key, message, *args, level=logging.WARNING):
        level = logging.DEBUG if key in self._told else level
        self._told.add(key)
        LOG.log(level, message, *args)

    def _client_for(self, trust_id, project, what):
        """The tenant's client through ``trust_id`` if it acts in
        ``project``; else None, logged once: ``what`` (a verification, a
        temporary volume) is left as it is, for the tenant. Raises
        VolsnapAPIError when Keystone is unreachable (next sweep)."""
        if not trust_id:
            self._tell_once((what, None), "%s: no authorization (trust) "
                            "recorded; left for the tenant", what)
            return None
        since = self._unusable.get(trust_id)
        if since is not None and self.monotonic() - since < self.timeout:
            return None
        try:
            tenant = self.tenant_client(trust_id)
        except errors.AuthorizationLost as exc:
            self._unusable[trust_id] = self.monotonic()
            self._tell_once((what, trust_id), "%s: its authorization (trust "
                            "%s) is gone; left for the tenant: %s", what,
                            trust_id, exc)
            return None
        self._unusable.pop(trust_id, None)
        if not project or tenant.project_id != project:
            self._tell_once((what, trust_id), "%s: its authorization (trust "
                            "%s) acts in project %s, not in %s; left for "
                            "the tenant", what, trust_id, tenant.project_id,
                            project)
            return None
        return tenant.client

    def _snapshot_client(self, snapshot):
        trust_id = verification.trust_of(snapshot)
        client = self._client_for(
            trust_id, snapshot.project_id,
            'verification of snapshot %s' % snapshot.id)
        if client is None:
            self._left_now[snapshot.id] = trust_id
        return client

    # Starting

    def _start_requested(self, snapshot, report):
        """Start a verification the dashboard asked for, with the trust
        that came with the request (without a usable one, the request
        stays as the tenant left it)."""
        client = self._snapshot_client(snapshot)
        if client is not None:
            self.start(client, snapshot, report)

    def _tagged(self, admin, state):
        """The protections of every plugin whose verification is in
        ``state``: one listing per plugin."""
        found = []
        for plugin in self.plugins:
            listed = admin_calls.protections_tagged(
                admin, plugin, verification.VERIFY_KEY, state)
            self._plugin_of.update((item.id, plugin) for item in listed)
            found.extend(listed)
        return found

    def _plugin(self, protection):
        """The plugin that made ``protection`` (as listed, else the
        default)."""
        return self._plugin_of.get(protection.id, self.plugins.default)

    def start(self, client, snapshot, report=None, plugin=None):
        """Restore ``snapshot`` to a temporary volume with the tenant's
        ``client`` and mark the snapshot verifying; True if started.
        A snapshot still being created is left for a later sweep.
        Started by a run (no request's trust on the snapshot), the
        run's trust is recorded to finish it with."""
        report = report if report is not None else VerifyReport()
        sid = snapshot.id
        if plugin is not None:
            self._plugin_of[sid] = plugin
        if snapshot.status == 'creating':
            LOG.info("verification of snapshot %s: the snapshot is still "
                     "being created; waiting", sid)
            return False
        if snapshot.status != 'available':
            self._finish(client, snapshot, verification.FAILED,
                         _("the snapshot is %s, not available")
                         % snapshot.status, [], report)
            return False
        now = self.clock()
        marks = {verification.VERIFY_KEY: verification.VERIFYING}
        if not verification.state_of(snapshot).requested_at:
            # Started by a run: when, so that the panel can tell a
            # verification no scheduler will end (its trust gone).
            marks[verification.REQUESTED_AT_KEY] = times.format_utc(now)
        trust_id = verification.trust_of(snapshot)
        if trust_id is None:
            trust_id = self._trust_of_client.get(client)
            if trust_id is not None:
                marks[verification.RUN_TRUST_KEY] = trust_id
        try:
            # Marked first: a scheduler killed after this point leaves a
            # snapshot the next sweep sees as interrupted, not requested
            # again with a second volume.
            self._record(client, snapshot, marks)
            volume = self._plugin(snapshot).restore(
                client, snapshot,
                {base.RESTORE_NAME: verification.volume_name(sid),
                 base.RESTORE_DESCRIPTION: verification.VOLUME_DESCRIPTION},
                metadata=verification.volume_metadata(sid, now, trust_id))
        except errors.NotFound:
            LOG.info("verification of snapshot %s: the snapshot is gone",
                     sid)
            return False
        except (errors.VolsnapAPIError, parameters.InvalidParameters) as exc:
            self._finish(client, snapshot, verification.FAILED,
                         _("Cinder did not create the temporary volume: "
                           "%s") % exc, [], report)
            return False
        self._in_flight = True
        LOG.info("verification of snapshot %s: started, temporary volume %s",
                 sid, volume.id)
        try:
            self._record(client, snapshot,
                         {verification.VOLUME_KEY: volume.id})
        except errors.VolsnapAPIError as exc:
            # The volume's own tags still lead the next sweep to it.
            LOG.warning("verification of snapshot %s: could not record "
                        "volume %s on it: %s", sid, volume.id, exc)
        report.started.append(sid)
        return True

    # Finishing

    def _check(self, snapshot, volumes, report):
        """Record the outcome of a verifying snapshot whose temporary
        volume settled or timed out, or that lost its volume."""
        sid = snapshot.id
        client = self._snapshot_client(snapshot)
        if client is None:
            self._left_now.update((volume.id, volume.status)
                                  for volume in volumes)
            return
        volume, extra = self._current(snapshot, volumes)
        if volume is None:
            volume = self._recheck_missing(client, snapshot)
            if volume is False:
                return
        if volume is None:
            self._finish(client, snapshot, verification.FAILED,
                         _("interrupted: the temporary volume is gone"),
                         extra, report)
            return
        now = self.clock()
        age = _age(volume, now)
        if volume.status == 'available':
            outcome, reason = verification.OK, ''
        elif volume.status == 'error':
            outcome = verification.FAILED
            cinders = self._plugin(snapshot).failure_reason(client,
                                                            volume.id)
            reason = _("Cinder put the temporary volume in error: %s") % \
                cinders if cinders else \
                _("Cinder put the temporary volume in error")
        elif age is None or age > self.timeout:
            outcome = verification.FAILED
            reason = _("timed out: the temporary volume was still "
                       "%(status)s after %(seconds)d seconds") % {
                           'status': volume.status,
                           'seconds': self.timeout}
        else:
            LOG.info("verification of snapshot %s: temporary volume %s is "
                     "%s", sid, volume.id, volume.status)
            return
        self._finish(client, snapshot, outcome, reason, [volume] + extra,
                     report)

    @staticmethod
    def _current(snapshot, volumes):
        """The temporary volume the snapshot names (else its newest), and
        the others of the same snapshot: duplicates, to delete."""
        named = (getattr(snapshot, 'metadata', None) or {}).get(
            verification.VOLUME_KEY)
        ordered = sorted(volumes, key=lambda v: (
            v.id != named, -(verification.started_at(v) or
                             times.EARLIEST).timestamp()))
        if not ordered:
            return None, []
        return ordered[0], ordered[1:]

    def _recheck_missing(self, client, snapshot):
        """A verifying snapshot without a listed volume, read again: its
        volume (listed too late), None if it has none, False if there is
        nothing to do (the snapshot gone or no longer verifying)."""
        try:
            fresh = self._plugin(snapshot).get_protection(client,
                                                          snapshot.id)
        except errors.NotFound:
            return False
        metadata = getattr(fresh, 'metadata', None) or {}
        if metadata.get(verification.VERIFY_KEY) != verification.VERIFYING:
            return False
        snapshot.metadata = dict(metadata)
        volume_id = metadata.get(verification.VOLUME_KEY)
        if not volume_id:
            return None
        try:
            volume = cinder_calls.volume(client, volume_id)
        except errors.NotFound:
            return None
        if not _verifies(volume, snapshot):
            volume = self._tagged_again(client, snapshot, volume)
        return volume if _verifies(volume, snapshot) else None

    def _tagged_again(self, client, snapshot, volume):
        """The temporary volume the verifying ``snapshot`` names, its tags
        put back where a restore replaced them (Cinder gives a volume
        restored from a backup the backed-up volume's metadata): only
        one its plugin says was restored from ``snapshot``, in its
        project. Unchanged otherwise."""
        if self._plugin(snapshot).restored_from(volume) != snapshot.id or \
                cinder_facts.volume_project(volume) != snapshot.project_id:
            return volume
        tags = verification.volume_metadata(
            snapshot.id, retention_rules.created_at(volume) or self.clock(),
            verification.trust_of(snapshot))
        try:
            with errors.translated():
                client.volumes.set_metadata(volume.id, tags)
        except errors.VolsnapAPIError as exc:
            LOG.warning("verification of %s: could not tag its temporary "
                        "volume %s again: %s", snapshot.id, volume.id, exc)
            return volume
        LOG.info("verification of %s: its temporary volume %s lost its "
                 "tags to the restore; tagged again", snapshot.id,
                 volume.id)
        volume.metadata = dict(getattr(volume, 'metadata', None) or {},
                               **tags)
        return volume

    def _left_behind(self, volume, report):
        """A temporary volume of no verifying snapshot: a finished one's
        whose deletion failed, a killed start's, or one of a deleted
        snapshot. Deleted once older than the timeout (a younger one may
        be another process's start that its listing did not see), with
        the trust it was made with."""
        key = verification.snapshot_of(volume) or volume.id
        if not self.owns(key) or volume.status == 'deleting':
            return
        age = _age(volume, self.clock())
        if age is not None and age <= self.timeout:
            return
        what = 'temporary volume %s of snapshot %s' % (
            volume.id, verification.snapshot_of(volume))
        self._tell_once(('left behind', volume.id), "%s was left behind",
                        what, level=logging.INFO)
        client = self._client_for(
            _trust_of_volume(volume),
            cinder_facts.volume_project(volume), what)
        if client is None:
            self._left_now[volume.id] = volume.status
        else:
            self._delete_volume(client, volume, report)

    def _finish(self, client, snapshot, outcome, reason, volumes, report):
        """Record the outcome, clear the pending keys and delete the
        temporary volumes, with the tenant's ``client``."""
        sid = snapshot.id
        try:
            self._record(client, snapshot, verification.outcome_metadata(
                outcome, self.clock(), reason))
            self._plugin(snapshot).delete_protection_metadata(
                client, snapshot, verification.PENDING_KEYS)
        except errors.NotFound:
            LOG.info("verification of snapshot %s: the snapshot is gone",
                     sid)
        except errors.VolsnapAPIError as exc:
            # The volumes stay: the next sweep finds them and records
            # again.
            LOG.error("verification of snapshot %s: could not record %s: "
                      "%s", sid, outcome, exc)
            return
        else:
            if outcome == verification.OK:
                LOG.info("verification of snapshot %s: ok", sid)
            else:
                LOG.warning("verification of snapshot %s: failed: %s", sid,
                            reason)
            report.outcomes[sid] = outcome
        for volume in volumes:
            self._delete_volume(client, volume, report)

    def _record(self, client, snapshot, metadata):
        self._plugin(snapshot).set_protection_metadata(client, snapshot,
                                                       metadata)
        snapshot.metadata = dict(getattr(snapshot, 'metadata', None) or {},
                                 **metadata)

    def _delete_volume(self, client, volume, report):
        """Delete a temporary volume as the tenant would; one in a state
        Cinder deletes only when forced is left for the tenant."""
        if volume.status not in cinder_calls.DELETABLE:
            self._left_now[volume.id] = volume.status
            self._tell_once(('not deletable', volume.id), "temporary volume "
                            "%s is %s: left for the tenant (Cinder deletes "
                            "it only when forced)", volume.id, volume.status)
            return
        try:
            gone = cinder_calls.delete_volume(client, volume)
        except errors.VolsnapAPIError as exc:
            LOG.warning("could not delete temporary volume %s: %s "
                        "(tried again at a later sweep)", volume.id, exc)
            return
        LOG.info("deleted temporary volume %s%s", volume.id,
                 '' if gone else ' (already gone)')
        report.deleted.append(volume.id)
