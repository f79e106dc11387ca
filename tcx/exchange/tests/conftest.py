from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _file_store(settings, tmp_path):
    """Each test gets its own attachment store and key ring."""
    settings.MEDIA_ROOT = tmp_path / "files"
    settings.DATA_DIR = tmp_path
    return tmp_path
