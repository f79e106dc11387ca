from __future__ import annotations

import pytest
from django.utils.translation import gettext_lazy as _

from tcx.notifications import registry

# Kinds of the tests' own (the apps' kinds are registered by their notifications.py modules).
registry.register_kind("testing.routine", _("Something routine"))
registry.register_kind("testing.urgent", _("Something urgent"), urgent_by_default=True)
registry.register_kind("testing.everyone", _("For everyone"), operational=False)


@pytest.fixture(autouse=True)
def _mail(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.TCX_PUBLIC_URL = "https://tcx.example"


@pytest.fixture
def addressed(world):
    """Every persona has an e-mail address."""
    for name, user in world.users.items():
        user.email = f"{name}@example.org"
        user.save(update_fields=["email"])
    return world
