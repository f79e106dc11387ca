"""The policy fields every shareable object carries (DESIGN.md, "The sharing model")."""

from __future__ import annotations

import uuid

from django.db import models


class TLP(models.TextChoices):
    CLEAR = "CLEAR", "TLP:CLEAR"
    GREEN = "GREEN", "TLP:GREEN"
    AMBER = "AMBER", "TLP:AMBER"
    AMBER_STRICT = "AMBER+STRICT", "TLP:AMBER+STRICT"
    RED = "RED", "TLP:RED"


class HandlingCode(models.TextChoices):
    H0 = "H0", "H0 — for law-enforcement purposes only"
    H1 = "H1", "H1 — not for judicial proceedings without the provider's permission"
    H2 = "H2", "H2 — not to be disseminated further without the provider's permission"
    H3 = "H3", "H3 — other restrictions"


class SourceReliability(models.TextChoices):
    A = "A", "A — no doubt"
    B = "B", "B — mostly reliable"
    C = "C", "C — mostly unreliable"
    X = "X", "X — cannot be assessed"


class InformationAssessment(models.TextChoices):
    ONE = "1", "1 — certain"
    TWO = "2", "2 — known personally to the source"
    THREE = "3", "3 — not known personally, corroborated"
    FOUR = "4", "4 — not corroborated"


class Shareable(models.Model):
    """Owner, audience, TLP, handling codes, evaluation, legal basis and review date.

    Concrete models inherit it; ``tcx.policy.rules`` reads these fields and nothing else.
    Write them only through ``tcx.policy.rules.apply_policy`` so they are validated together.
    """

    # A global id, the same on every node and in every export, so that nodes can exchange
    # objects without their local primary keys (issue 13 item 8). uuid4 rather than a ULID or
    # uuid7: the standard library's (Python 3.11 has no uuid7) and the database's uuid type.
    gid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    owner = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="%(app_label)s_%(class)s_owned"
    )
    audience_organisations = models.ManyToManyField(
        "organisations.Organisation", blank=True, related_name="%(app_label)s_%(class)s_shared"
    )
    audience_groups = models.ManyToManyField(
        "organisations.SharingGroup", blank=True, related_name="%(app_label)s_%(class)s_shared"
    )
    tlp = models.CharField(max_length=12, choices=TLP.choices, default=TLP.AMBER)
    handling_codes = models.JSONField(default=list, blank=True)
    handling_h3_text = models.CharField(max_length=500, blank=True)
    evaluation_source = models.CharField(max_length=1, choices=SourceReliability.choices, blank=True)
    evaluation_information = models.CharField(max_length=1, choices=InformationAssessment.choices, blank=True)
    legal_basis = models.CharField(max_length=500, blank=True)
    review_date = models.DateField(null=True, blank=True)

    class Meta:
        abstract = True

    @property
    def evaluation(self) -> str:
        return f"{self.evaluation_source}{self.evaluation_information}"
