"""The roles a person can hold: in a provider organisation, or at the regulator (never both)."""

from __future__ import annotations

from django.db import models


class MemberRole(models.TextChoices):
    OWNER = "owner", "Owner"
    SUBMITTER = "submitter", "Submitter"
    VIEWER = "viewer", "Viewer"


# The members who file for their provider (viewers only read): they edit and submit filings, and
# are told of each filing's progress and deadlines.
FILER_ROLES = frozenset({MemberRole.OWNER, MemberRole.SUBMITTER})


# Regulator staff are members of exactly these Django groups.
CASE_OFFICER = "case_officer"
DECISION_MAKER = "decision_maker"
REGULATOR_GROUPS = (CASE_OFFICER, DECISION_MAKER)
