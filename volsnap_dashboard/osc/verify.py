"""``openstack volume protection verify``: ask the scheduler to restore
protections to temporary volumes and record whether that worked, as the
panels' Verify asks (protection.verification_request): the same checks,
a trust of the user's own session expiring after a day, the request
written through the protection's plugin."""

from osc_lib.command import command

from volsnap_dashboard.osc import protections as osc_protections
from volsnap_dashboard.osc import user_trusts
from volsnap_dashboard.protection import verification_request


class VerifyProtection(command.Command):
    _description = ("Ask the scheduler to verify protections: each is "
                    "restored to a temporary volume, which is deleted "
                    "again, and the outcome recorded on it (see "
                    "'openstack volume protection show')")

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        parser.add_argument('protections', metavar='<protection>',
                            nargs='+', help='Protection ID(s) to verify')
        osc_protections.add_plugin_argument(
            parser, "Their plugin (default: the one that has each)")
        user_trusts.add_scheduler_user_argument(parser)
        return parser

    def take_action(self, parsed_args):
        # Refused before any protection is read: no request could be made.
        user_trusts.refuse_application_credential(
            self.app, 'the scheduler needs to verify on your behalf')
        trustee = user_trusts.scheduler_user_id(parsed_args)
        holder = self.app.client_manager.volume_protection
        cinder = holder.cinder

        def verify(protection_id):
            plugin, protection = osc_protections.find_protection(
                self.app, protection_id, parsed_args.plugin)
            verification_request.request(
                protection,
                reread=lambda: plugin.get_protection(cinder, protection.id),
                write=lambda found, marks: plugin.set_protection_metadata(
                    cinder, found, marks),
                create_trust=lambda expires_at: user_trusts.create(
                    self.app, trustee, expires_at=expires_at),
                delete_trust=lambda trust_id: user_trusts.delete(
                    self.app, trust_id),
                project_id=holder.project_id)

        osc_protections.for_each(parsed_args.protections, verify,
                                 'protections', 'verify')
