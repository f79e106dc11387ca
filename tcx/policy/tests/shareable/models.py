from django.db import models

from tcx.policy.models import Shareable


class Note(Shareable):
    """A test-only shareable object (the suite creates its table without a migration)."""

    title = models.CharField(max_length=100)

    class Meta:
        app_label = "policy_shareable"
