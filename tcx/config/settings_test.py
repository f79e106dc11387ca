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

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # The SQLite test database is in memory with a shared cache, where a connection that reads
    # a table another connection is writing fails at once with "database table is locked"
    # (busy_timeout does not apply to that lock). A real run's file database is in WAL mode,
    # where readers never wait for the writer. So that a page polling an import while the
    # import's thread writes (a browser test) does not fail on the test database alone, the
    # test connections read without table locks (this pragma has no effect outside a shared
    # cache).
    _options = DATABASES["default"]["OPTIONS"]  # noqa: F405
    _options["init_command"] = _options["init_command"] + " PRAGMA read_uncommitted=1;"
