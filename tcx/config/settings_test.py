"""Settings for the test suite: the real settings, plus a test-only shareable model so the
policy module is tested on a concrete table before any app has one of its own."""

import tempfile
from pathlib import Path

from tcx.config.settings import *  # noqa: F403
from tcx.config.settings import INSTALLED_APPS

# Uploads, evidence and attachment keys of the test run go to a throw-away folder, never into
# the data directory of a developer's node.
DATA_DIR = Path(tempfile.mkdtemp(prefix="tcx-test-"))
MEDIA_ROOT = DATA_DIR / "files"

INSTALLED_APPS = [*INSTALLED_APPS, "tcx.policy.tests.shareable"]
# Argon2 is the hasher of every real run (a test checks it); tests hash fast.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
