"""Load demonstration accounts and organisations; safe to run again."""

from __future__ import annotations

from base64 import b32encode

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from registry.accounts.models import Membership, User
from registry.accounts.roles import CASE_OFFICER, DECISION_MAKER, MemberRole
from registry.accounts.services import backup_codes_replace
from registry.providers.models import Provider
from registry.providers.services import provider_register

DEMO_PASSWORD = "demo-register-2026"  # noqa: S105 (printed for the demo; refused outside DEBUG)

PROVIDERS = [
    {
        "legal_name": "Acme Intelligence Ltd",
        "trading_name": "Acme AI",
        "company_number": "12345678",
        "country": "GB",
        "registered_address": "1 Example Street\nLondon\nEC1A 1AA",
        "website": "https://acme-ai.example",
        "contact_email": "compliance@acme-ai.example",
        "uk_representative": "",
    },
    {
        "legal_name": "Nordlicht KI GmbH",
        "trading_name": "",
        "company_number": "",
        "country": "DE",
        "registered_address": "Beispielstraße 5\n10115 Berlin\nGermany",
        "website": "https://nordlicht-ki.example",
        "contact_email": "register@nordlicht-ki.example",
        "uk_representative": "UK Rep Services Ltd, 2 Example Road, Manchester M1 1AA",
    },
]

# (email, name, provider index, role)
MEMBERS = [
    ("alice@acme-ai.example", "Alice Owner", 0, MemberRole.OWNER),
    ("bob@acme-ai.example", "Bob Submitter", 0, MemberRole.SUBMITTER),
    ("victor@acme-ai.example", "Victor Viewer", 0, MemberRole.VIEWER),
    ("charlie@nordlicht-ki.example", "Charlie Owner", 1, MemberRole.OWNER),
]
REGULATORS = [
    ("olivia@regulator.example", "Olivia Officer", CASE_OFFICER),
    ("diana@regulator.example", "Diana Decider", DECISION_MAKER),
]
ADMIN = ("admin@regulator.example", "Ada Administrator")


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Load even when DEBUG is off (never in production).",
        )

    def handle(self, *args, **options):
        if not settings.DEBUG and not options["force"]:
            raise CommandError("Demo data has known passwords: refused when DEBUG is off.")
        with transaction.atomic():
            providers = [self.provider(details, owner) for details, owner in self.owners()]
            for email, name, index, role in MEMBERS:
                self.member(email, name, providers[index], role)
            regulator_codes = {
                email: self.regulator(email, name, group) for email, name, group in REGULATORS
            }
            regulator_codes[ADMIN[0]] = self.administrator(*ADMIN)
        self.report(providers, regulator_codes)

    def owners(self):
        for index, details in enumerate(PROVIDERS):
            email, name, _, _ = next(m for m in MEMBERS if m[2] == index)
            yield details, self.user(email, name)

    def user(self, email: str, name: str) -> User:
        user, created = User.objects.get_or_create(email=email, defaults={"full_name": name})
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        return user

    def provider(self, details: dict, owner: User) -> Provider:
        existing = Provider.objects.filter(legal_name=details["legal_name"]).first()
        return existing or provider_register(user=owner, details=details)

    def member(self, email: str, name: str, provider: Provider, role: str) -> None:
        user = self.user(email, name)
        Membership.objects.get_or_create(user=user, defaults={"provider": provider, "role": role})

    def two_factor(self, user: User) -> tuple[str, list[str]]:
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if device is None:
            device = TOTPDevice.objects.create(user=user, name="Demo authenticator", confirmed=True)
        secret = b32encode(device.bin_key).decode().rstrip("=")
        return secret, backup_codes_replace(user=user)

    def regulator(self, email: str, name: str, group: str) -> tuple[str, list[str]]:
        user = self.user(email, name)
        user.groups.add(Group.objects.get(name=group))
        return self.two_factor(user)

    def administrator(self, email: str, name: str) -> tuple[str, list[str]]:
        user = self.user(email, name)
        if not user.is_superuser:
            user.is_staff = user.is_superuser = True
            user.save(update_fields=["is_staff", "is_superuser"])
        return self.two_factor(user)

    def report(self, providers: list[Provider], regulator_codes: dict) -> None:
        write = self.stdout.write
        write("\nDemo data loaded. Every demo account's password is: " + DEMO_PASSWORD)
        for provider in providers:
            write(f"\n{provider.display_name} ({provider.registration_number})")
            for email, _, index, role in MEMBERS:
                if providers[index] == provider:
                    write(f"  {role:<10} {email}")
        write("\nRegulator and administrator accounts need a two-factor code after the password.")
        write("Use one of the one-time backup codes below (new codes each run), or add the")
        write("secret key to an authenticator app.")
        roles = {email: group for email, _, group in REGULATORS} | {ADMIN[0]: "administrator"}
        for email, (secret, codes) in regulator_codes.items():
            write(f"\n  {roles[email]:<15} {email}")
            write(f"    authenticator secret: {secret}")
            write(f"    backup codes: {' '.join(codes)}")
        write("")
