"""Factories for incidental data; tests set explicitly whatever they assert on."""

from __future__ import annotations

import factory
from django.contrib.auth.models import Group

from registry.accounts.models import Membership, User
from registry.accounts.roles import MemberRole
from registry.providers.models import Provider

PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.com")
    full_name = factory.Sequence(lambda n: f"Person {n}")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save(update_fields=["password"])


class ProviderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Provider

    registration_number = factory.Sequence(lambda n: f"PRV-{900000 + n:06d}")
    legal_name = factory.Sequence(lambda n: f"Provider {n} Ltd")
    country = "GB"
    company_number = factory.Sequence(lambda n: f"{10000000 + n:08d}")
    registered_address = "1 Test Street\nLondon"
    website = "https://provider.example"
    contact_email = "contact@provider.example"


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    provider = factory.SubFactory(ProviderFactory)
    role = MemberRole.SUBMITTER


def regulator(group: str, **fields) -> User:
    user = UserFactory(**fields)
    user.groups.add(Group.objects.get(name=group))
    return user
