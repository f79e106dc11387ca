"""Settings for the test suite: the real settings, plus a test-only shareable model so the
policy module is tested on a concrete table before any app has one of its own."""

from tcx.config.settings import *  # noqa: F403
from tcx.config.settings import INSTALLED_APPS

INSTALLED_APPS = [*INSTALLED_APPS, "tcx.policy.tests.shareable"]
# Argon2 is the hasher of every real run (a test checks it); tests hash fast.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
