"""Create the dev cloud's Keystone identities and catalog (idempotent).

Runs in the cloud venv after `keystone-manage bootstrap` created the admin
user/project, the roles and the identity endpoint.  Talks plain REST to
Keystone through a keystoneauth1 session as admin.

Result (domain Default, region RegionOne):
  admin  / project admin : admin;   also member (and reader) of demo
  demo   / project demo  : member, reader
  reader / project demo  : reader
  colleague / project demo : member, reader   (a second member of demo)
  alt    / project alt   : member, reader
  cinder / project service : admin, service   (keystonemiddleware user)
  volsnap-scheduler / project service : admin   (the scheduler's service
      user: admin only so that Cinder lets it list volumes of all projects
      filtered by metadata, and record "invalid" or "authorization lost" on
      a schedule whose trust cannot act; everything else it does in a
      tenant's project through the trust the tenant gave it; its id is
      written to the file named by --scheduler-id-file)
  services volumev3 + block-storage -> http://127.0.0.1:$CINDER/v3/%(project_id)s
  identity -> http://127.0.0.1:$KEYSTONE/v3 (public, internal, admin)
"""

import argparse
import os

from keystoneauth1 import exceptions as ks_exc

import devcloud_lib as lib

ROLES = ("admin", "member", "reader", "service")
PROJECTS = {
    "admin": "Bootstrap project for administrative work",
    "demo": "volsnap demo project",
    "alt": "volsnap second tenant (isolation tests)",
    "service": "OpenStack services' users",
}
USERS = ("demo", "reader", "colleague", "alt", "cinder",
         lib.SCHEDULER_USER)
ASSIGNMENTS = [
    ("admin", "admin", "admin"),
    ("demo", "demo", "member"),
    ("demo", "demo", "reader"),
    ("reader", "demo", "reader"),
    ("colleague", "demo", "member"),
    ("colleague", "demo", "reader"),
    ("alt", "alt", "member"),
    ("alt", "alt", "reader"),
    ("cinder", "service", "admin"),
    ("cinder", "service", "service"),
    # Cinder honours all_tenants only for an admin context (its policy
    # rule context_is_admin, role:admin by default).
    (lib.SCHEDULER_USER, "service", "admin"),
]
# admin stays out of demo: Horizon scopes a login to the first of the user's
# projects, so with two projects admin would land in demo half the time,
# without the admin role. Clouds made before this lose the old grants.
REVOKED = [
    ("admin", "demo", "member"),
    ("admin", "demo", "reader"),
]
VOLUME_SERVICES = [
    # (type, name, description)
    ("block-storage", "cinder", "Cinder block storage (fake driver)"),
    ("volumev3", "cinderv3", "Cinder block storage v3 (fake driver)"),
]
INTERFACES = ("public", "internal", "admin")


class Keystone:
    def __init__(self, sess):
        self.sess = sess
        self.url = lib.keystone_url()
        self.domain_id = self._one("domains", name=lib.DOMAIN)["id"]

    def _list(self, collection, **params):
        resp = self.sess.get("%s/%s" % (self.url, collection), params=params)
        return resp.json()[collection.split("/")[-1]]

    def _one(self, collection, **params):
        items = self._list(collection, **params)
        return items[0] if items else None

    def _post(self, collection, key, body):
        resp = self.sess.post("%s/%s" % (self.url, collection),
                              json={key: body})
        return resp.json()[key]

    def _patch(self, path, key, body):
        self.sess.patch("%s/%s" % (self.url, path), json={key: body})

    def role(self, name):
        role = self._one("roles", name=name)
        if role is None:
            role = self._post("roles", "role", {"name": name})
            lib.log("created role %s" % name)
        return role

    def project(self, name, description):
        project = self._one("projects", name=name, domain_id=self.domain_id)
        if project is None:
            project = self._post("projects", "project", {
                "name": name, "domain_id": self.domain_id,
                "description": description, "enabled": True})
            lib.log("created project %s" % name)
        return project

    def user(self, name, password, default_project_id):
        user = self._one("users", name=name, domain_id=self.domain_id)
        if user is None:
            user = self._post("users", "user", {
                "name": name, "domain_id": self.domain_id,
                "password": password, "enabled": True,
                "default_project_id": default_project_id})
            lib.log("created user %s" % name)
        elif not self._password_ok(name, password):
            # Only when it differs, so that a second `up` leaves users'
            # existing tokens and Horizon sessions alone.
            self._patch("users/%s" % user["id"], "user",
                        {"password": password})
            lib.log("updated password of user %s" % name)
        return user

    def _password_ok(self, name, password):
        try:
            lib.session_for(name, pw=password).get_token()
            return True
        except ks_exc.Unauthorized:
            return False

    def grant(self, project_id, user_id, role_id):
        # PUT is idempotent (204 whether or not it existed).
        self.sess.put("%s/projects/%s/users/%s/roles/%s"
                      % (self.url, project_id, user_id, role_id))

    def revoke(self, project_id, user_id, role_id):
        self.sess.delete("%s/projects/%s/users/%s/roles/%s"
                         % (self.url, project_id, user_id, role_id),
                         raise_exc=False)

    def service(self, stype, name, description):
        svc = self._one("services", type=stype)
        if svc is None:
            svc = self._post("services", "service", {
                "type": stype, "name": name, "description": description,
                "enabled": True})
            lib.log("created service %s (%s)" % (name, stype))
        return svc

    def endpoints(self, service_id, url):
        existing = self._list("endpoints", service_id=service_id)
        for interface in INTERFACES:
            matches = [e for e in existing
                       if e["interface"] == interface
                       and e.get("region_id") == lib.REGION]
            if not matches:
                self._post("endpoints", "endpoint", {
                    "service_id": service_id, "interface": interface,
                    "region_id": lib.REGION, "url": url, "enabled": True})
                lib.log("created %s endpoint %s" % (interface, url))
                continue
            for extra in matches[1:]:
                self.sess.delete("%s/endpoints/%s" % (self.url, extra["id"]))
            if matches[0]["url"] != url:
                self._patch("endpoints/%s" % matches[0]["id"], "endpoint",
                            {"url": url})
                lib.log("updated %s endpoint to %s" % (interface, url))


def record(path, value):
    tmp = path + ".tmp"
    with open(tmp, "w") as out:
        out.write(value + "\n")
    os.replace(tmp, path)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--scheduler-id-file",
                        help="where to write the scheduler user's id")
    args = parser.parse_args()
    admin = lib.session_for("admin")
    lib.wait_for("an admin token from Keystone", admin.get_token, 30)
    ks = Keystone(admin)

    roles = {name: ks.role(name) for name in ROLES}
    projects = {name: ks.project(name, desc)
                for name, desc in PROJECTS.items()}
    users = {"admin": ks._one("users", name="admin",
                              domain_id=ks.domain_id)}
    for name in USERS:
        users[name] = ks.user(name, lib.password(name),
                              projects[lib.USER_PROJECT[name]]["id"])
    for user, project, role in ASSIGNMENTS:
        ks.grant(projects[project]["id"], users[user]["id"],
                 roles[role]["id"])
    for user, project, role in REVOKED:
        ks.revoke(projects[project]["id"], users[user]["id"],
                  roles[role]["id"])

    identity = ks._one("services", type="identity")
    if identity is not None:
        ks.endpoints(identity["id"], lib.keystone_url())
    volume_url = "%s/v3/%%(project_id)s" % lib.cinder_root()
    for stype, name, desc in VOLUME_SERVICES:
        ks.endpoints(ks.service(stype, name, desc)["id"], volume_url)
    if args.scheduler_id_file:
        record(args.scheduler_id_file, users[lib.SCHEDULER_USER]["id"])
    lib.log("identities and catalog in place")


if __name__ == "__main__":
    main()
