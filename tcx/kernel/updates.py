"""The one way a service applies a checked change to a model: only the fields that change are
set and written (so a write never overwrites a column it did not mean to, such as a record's
match-index keys), and the names of the changed fields come back for the audit event and the
history."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db.models import Model


def apply_changes(
    instance: Model, values: Mapping[str, Any], *, stamp: Mapping[str, Any] | None = None
) -> list[str]:
    """Set each of ``values`` (concrete fields, already checked) that differs from the
    instance's, then save those fields only; ``stamp`` fields (a version, an ``updated_at``) are
    set and saved too, but only when something changed. Returns the changed fields, sorted."""
    concrete = {f.name for f in instance._meta.concrete_fields} | {
        f.attname for f in instance._meta.concrete_fields
    }
    unknown = sorted(set(values) - concrete) + sorted(set(stamp or {}) - concrete)
    if unknown:
        raise ValueError(f"not a stored field of {instance._meta.label}: {', '.join(unknown)}")
    changed = sorted(name for name, value in values.items() if getattr(instance, name) != value)
    if not changed:
        return []
    for name in changed:
        setattr(instance, name, values[name])
    for name, value in (stamp or {}).items():
        setattr(instance, name, value)
    instance.save(update_fields=[*changed, *(stamp or {})])
    return changed
