from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from registry.accounts.models import User, normalise_email
from registry.accounts.roles import REGULATOR_GROUPS
from registry.accounts.services import SetUpSent, regulator_create, set_up_link_send
from registry.lib.problems import ProblemsError


class Command(BaseCommand):
    help = (
        "Create a regulator staff account and email them a one-time link to choose a password "
        "and add an authenticator app; with --resend, send an existing account a new link."
    )

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument("full_name", nargs="?", default="")
        parser.add_argument("--role", choices=REGULATOR_GROUPS)
        parser.add_argument(
            "--resend",
            action="store_true",
            help="Send a new set-up link to an existing account that is not set up yet.",
        )

    def handle(self, *args, **options):
        try:
            sent = self.resend(options) if options["resend"] else self.create(options)
        except ProblemsError as error:
            raise CommandError(str(error)) from error
        hours = settings.REGULATOR_SET_UP_VALID_HOURS
        self.stdout.write(
            f"We've emailed {sent.link.email} a link to choose a password and add an "
            f"authenticator app. It works once, for {hours} hours. For a new link later, run "
            f"this command again with --resend, or use 'Send set-up link' in the admin."
        )
        if settings.DEBUG:
            # Only while developing: in production the link exists in the email alone.
            self.stdout.write(f"Set-up link: {sent.url}")

    def create(self, options) -> SetUpSent:
        if not options["full_name"] or not options["role"]:
            raise CommandError("A new account needs a full name and --role.")
        sent = regulator_create(
            actor=None, email=options["email"], full_name=options["full_name"], role=options["role"]
        )
        self.stdout.write(f"Created {sent.user.email} ({options['role']}).")
        return sent

    def resend(self, options) -> SetUpSent:
        user = User.objects.filter(email__iexact=normalise_email(options["email"])).first()
        if user is None:
            raise CommandError(f"No account uses {options['email']}.")
        return set_up_link_send(actor=None, user=user)
