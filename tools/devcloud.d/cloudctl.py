"""Cinder-side helper of tools/devcloud (runs in the cloud venv).

Subcommands:
  wait-cinder [--timeout S] [--smoke]  wait for the API and for cinder-volume
                                     and cinder-scheduler to be up, make sure
                                     the `fake` volume type exists and is the
                                     default; --smoke: create+delete a volume
  services                           print Cinder's service list
  check                              demo gets a token and lists volumes
  seed                               demo's three volumes (+ one in-use),
                                     the group type volsnap-group
  quota PROJECT key=N ...            set Cinder quotas of PROJECT as admin
"""

import argparse
import sys
import time
import uuid

import requests
from keystoneauth1 import exceptions as ks_exc

import devcloud_lib as lib

VOLUME_TYPE = "fake"
BACKEND = "fake"
# Volumes kept as files, which cinder-backup can read (file_volume_driver).
FILES_TYPE = "files"
FILES_BACKEND = "files"
SEED_VOLUMES = [("demo-db", 1), ("demo-web", 2), ("demo-logs", 1)]
SEED_ATTACHED = "demo-db"
# A generic group type (no specs): Cinder's own default_cgsnapshot_type is
# reserved for migrated consistency groups, so tenants need another one to
# make volume groups.
GROUP_TYPE = "volsnap-group"


def mv(version):
    return {"OpenStack-API-Version": "volume %s" % version}


class Cinder:
    def __init__(self, user, project=None):
        self.sess = lib.session_for(user, project)
        self.project_id = self.sess.get_project_id()
        self.base = "%s/v3/%s" % (lib.cinder_root(), self.project_id)

    def get(self, path, **kw):
        return self.sess.get(self.base + path, **kw).json()

    def post(self, path, body, **kw):
        resp = self.sess.post(self.base + path, json=body, **kw)
        return resp.json() if resp.content else None

    def put(self, path, body, **kw):
        return self.sess.put(self.base + path, json=body, **kw).json()

    def delete(self, path, **kw):
        return self.sess.delete(self.base + path, **kw)

    def volume(self, volume_id):
        return self.get("/volumes/%s" % volume_id)["volume"]

    def volumes_named(self, name):
        return self.get("/volumes/detail", params={"name": name})["volumes"]

    def wait_volume(self, volume_id, statuses, timeout=60):
        def ready():
            status = self.volume(volume_id)["status"]
            if status in ("error", "error_deleting"):
                raise RuntimeError("volume %s went to %s"
                                   % (volume_id, status))
            return status in statuses
        lib.wait_for("volume %s to be %s" % (volume_id, "/".join(statuses)),
                     ready, timeout)

    def wait_gone(self, path, timeout=60):
        def gone():
            try:
                self.get(path)
                return False
            except ks_exc.NotFound:
                return True
        lib.wait_for("%s to disappear" % path, gone, timeout)


def services(admin):
    return admin.get("/os-services")["services"]


def cmd_wait_cinder(args):
    deadline = time.monotonic() + args.timeout

    def left():
        return max(1.0, deadline - time.monotonic())

    def versions():
        return requests.get(lib.cinder_root() + "/", timeout=5).status_code \
            in (200, 300)
    lib.wait_for("the Cinder API on %s" % lib.cinder_root(), versions, left())

    admin = Cinder("admin")

    def all_up():
        svcs = services(admin)
        up = [s for s in svcs if s["state"] == "up"]
        binaries = {s["binary"] for s in up}
        volume_hosts = [s["host"] for s in up
                        if s["binary"] == "cinder-volume"]
        return (binaries >= {"cinder-volume", "cinder-scheduler",
                             "cinder-backup"}
                and all("devcloud@%s" % backend in volume_hosts
                        for backend in (BACKEND, FILES_BACKEND)))
    lib.wait_for("cinder-volume, cinder-scheduler and cinder-backup to be up",
                 all_up, left())

    def pools_known():
        # The scheduler places volumes only on backends whose capabilities
        # reached it.
        pools = {p["name"] for p in
                 admin.get("/scheduler-stats/get_pools")["pools"]}
        return {"devcloud@%s#%s" % (b, b)
                for b in (BACKEND, FILES_BACKEND)} <= pools
    lib.wait_for("the scheduler to know both backends", pools_known, left())

    ensure_volume_type(admin)
    ensure_files_type(admin)
    if args.smoke:
        smoke(admin, left)
    lib.log("cinder ready")


def ensure_volume_type(admin):
    types = admin.get("/types", params={"is_public": "None"})["volume_types"]
    vtype = next((t for t in types if t["name"] == VOLUME_TYPE), None)
    if vtype is None:
        vtype = admin.post("/types", {"volume_type": {
            "name": VOLUME_TYPE,
            "description": "Fake driver backend of the dev cloud",
            "os-volume-type-access:is_public": True,
            "extra_specs": {"volume_backend_name": BACKEND}}})["volume_type"]
        lib.log("created volume type %s" % VOLUME_TYPE)
    specs = admin.get("/types/%s/extra_specs" % vtype["id"])["extra_specs"]
    if specs.get("volume_backend_name") != BACKEND:
        admin.post("/types/%s/extra_specs" % vtype["id"],
                   {"extra_specs": {"volume_backend_name": BACKEND}})
    default = admin.get("/types/default", headers=mv("3.62"))["volume_type"]
    if default["name"] != VOLUME_TYPE:
        lib.die("Cinder's default volume type is %r, expected %r "
                "(check default_volume_type in cinder.conf)"
                % (default["name"], VOLUME_TYPE))


def ensure_files_type(admin):
    """The "files" volume type: volumes whose bytes are real (for
    backups); every other volume stays on the fake backend."""
    types = admin.get("/types", params={"is_public": "None"})["volume_types"]
    if any(t["name"] == FILES_TYPE for t in types):
        return
    admin.post("/types", {"volume_type": {
        "name": FILES_TYPE,
        "description": "File-backed backend of the dev cloud (backups)",
        "os-volume-type-access:is_public": True,
        "extra_specs": {"volume_backend_name": FILES_BACKEND}}})
    lib.log("created volume type %s" % FILES_TYPE)


def smoke(admin, left):
    """A volume can really be created (scheduler knows the backend)."""
    name = "devcloud-smoke"
    for old in admin.volumes_named(name):
        admin.delete("/volumes/%s" % old["id"], raise_exc=False)
    while True:
        vol = admin.post("/volumes", {"volume": {"name": name, "size": 1}})
        vid = vol["volume"]["id"]
        status = "creating"
        t_end = time.monotonic() + min(20.0, left())
        while status == "creating" and time.monotonic() < t_end:
            time.sleep(0.3)
            status = admin.volume(vid)["status"]
        admin.delete("/volumes/%s" % vid, raise_exc=False)
        if status == "available":
            admin.wait_gone("/volumes/%s" % vid, timeout=left())
            return
        if left() <= 1.0:
            lib.die("a smoke-test volume ended up %r, not available" % status)
        lib.log("smoke-test volume ended up %r; retrying" % status)
        time.sleep(1)


def cmd_services(_args):
    admin = Cinder("admin")
    for s in services(admin):
        print("%-17s %-22s %-5s %-8s %s" % (
            s["binary"], s["host"], s["state"], s["status"],
            s.get("updated_at")))


def cmd_check(_args):
    ok = True
    try:
        demo = Cinder("demo")
        print("keystone: token issued for demo (project %s)" % demo.project_id)
    except Exception as exc:  # any failure means "not healthy"
        print("keystone: no token for demo: %s" % exc)
        return 1
    try:
        vols = demo.get("/volumes")["volumes"]
        print("cinder: demo lists %d volume(s)" % len(vols))
    except Exception as exc:
        print("cinder: demo cannot list volumes: %s" % exc)
        ok = False
    return 0 if ok else 1


def ensure_group_type(admin):
    types = admin.get("/group_types", headers=mv("3.11"))["group_types"]
    if not any(t["name"] == GROUP_TYPE for t in types):
        admin.post("/group_types", {"group_type": {
            "name": GROUP_TYPE, "is_public": True,
            "description": "Generic volume groups of the dev cloud"}},
            headers=mv("3.11"))
        lib.log("created group type %s" % GROUP_TYPE)


def cmd_seed(_args):
    ensure_group_type(Cinder("admin"))
    demo = Cinder("demo")
    ids = {}
    for name, size in SEED_VOLUMES:
        existing = [v for v in demo.volumes_named(name)
                    if v["status"] not in ("error", "deleting",
                                           "error_deleting")]
        if existing:
            ids[name] = existing[0]["id"]
            continue
        vol = demo.post("/volumes", {"volume": {
            "name": name, "size": size,
            "description": "volsnap dev cloud seed volume"}})["volume"]
        ids[name] = vol["id"]
        lib.log("created volume %s (%d GiB)" % (name, size))
    for vid in ids.values():
        demo.wait_volume(vid, ("available", "in-use"))
    try:
        attach(demo, ids[SEED_ATTACHED])
    except Exception as exc:  # a bonus only
        lib.log("could not make %s in-use (skipped): %s"
                % (SEED_ATTACHED, exc))
    for name, vid in ids.items():
        vol = demo.volume(vid)
        print("%-10s %s %d GiB %s" % (name, vid, vol["size"], vol["status"]))
    return 0


def attach(cinder, volume_id):
    """Attach the volume to a made-up instance via the attachments API."""
    vol = cinder.volume(volume_id)
    if vol["status"] == "in-use":
        return
    if vol["status"] != "available":
        raise RuntimeError("volume is %s" % vol["status"])
    connector = {
        "initiator": "iqn.2004-10.org.volsnap:devcloud",
        "ip": lib.HOST,
        "host": "devcloud-fake-compute",
        "platform": "x86_64",
        "os_type": "linux",
        "multipath": False,
    }
    att = cinder.post("/attachments", {"attachment": {
        "volume_uuid": volume_id,
        "instance_uuid": str(uuid.uuid5(uuid.NAMESPACE_URL,
                                        "volsnap-devcloud-instance")),
        "connector": connector,
        "mode": "rw"}}, headers=mv("3.54"))["attachment"]
    cinder.post("/attachments/%s/action" % att["id"], {"os-complete": None},
                headers=mv("3.44"))
    cinder.wait_volume(volume_id, ("in-use",), timeout=30)
    lib.log("volume %s is in-use (attachment %s)" % (volume_id, att["id"]))


def cmd_quota(args):
    admin = Cinder("admin")
    values = {}
    for item in args.settings:
        key, sep, value = item.partition("=")
        if not sep:
            lib.die("expected key=N, got %r" % item)
        try:
            values[key] = int(value)
        except ValueError:
            lib.die("not a number: %r" % item)
    projects = admin.sess.get(
        lib.keystone_url() + "/projects",
        params={"name": args.project}).json()["projects"]
    if projects:
        project_id = projects[0]["id"]
    else:
        try:
            project_id = admin.sess.get(
                lib.keystone_url() + "/projects/" + args.project
            ).json()["project"]["id"]
        except ks_exc.NotFound:
            lib.die("no project named (or with id) %r" % args.project)
    path = "/os-quota-sets/%s" % project_id
    if values:
        admin.put(path, {"quota_set": values})
    quota = admin.get(path, params={"usage": "False"})["quota_set"]
    print("cinder quotas of project %s:" % project_id)
    for key in sorted(k for k in quota if k != "id"):
        print("  %-22s %s" % (key, quota[key]))
    return 0


def main(argv=None):
    parser = argparse.ArgumentParser(prog="cloudctl")
    sub = parser.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("wait-cinder")
    p.add_argument("--timeout", type=float, default=120)
    p.add_argument("--smoke", action="store_true")
    p.set_defaults(func=cmd_wait_cinder)
    sub.add_parser("services").set_defaults(func=cmd_services)
    sub.add_parser("check").set_defaults(func=cmd_check)
    sub.add_parser("seed").set_defaults(func=cmd_seed)
    p = sub.add_parser("quota")
    p.add_argument("project")
    p.add_argument("settings", nargs="*")
    p.set_defaults(func=cmd_quota)
    args = parser.parse_args(argv)
    try:
        return args.func(args) or 0
    except ks_exc.ClientException as exc:
        lib.die("%s: %s" % (type(exc).__name__, exc))


if __name__ == "__main__":
    sys.exit(main())
