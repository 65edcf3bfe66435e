from django.core.management.base import BaseCommand, CommandError

from registry.accounts.roles import REGULATOR_GROUPS
from registry.accounts.services import regulator_create
from registry.lib.problems import ProblemsError


class Command(BaseCommand):
    help = (
        "Create a regulator staff account; they set up two-factor authentication at first sign-in."
    )

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument("full_name")
        parser.add_argument("--role", choices=REGULATOR_GROUPS, required=True)

    def handle(self, *args, **options):
        try:
            user = regulator_create(
                email=options["email"],
                full_name=options["full_name"],
                role=options["role"],
                password=None,
            )
        except ProblemsError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"Created {user.email} ({options['role']}). They set a password with "
            "'Forgotten your password?' on the sign-in page."
        )
