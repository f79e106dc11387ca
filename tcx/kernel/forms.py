"""Put a service's field errors on the form the person filled in."""

from __future__ import annotations

from django import forms

from tcx.kernel.errors import FieldErrors


def add_field_errors(form: forms.BaseForm, error: FieldErrors, *, name_other_fields: bool = False) -> None:
    """Each message goes to the field it names when the form shows that field, and to the
    form's own (non-field) errors otherwise, so nothing the service said is lost;
    ``name_other_fields`` prefixes those with what they name (a file's row, a part of the input
    the form does not show)."""
    for field, message in error.errors.items():
        if field in form.fields:
            form.add_error(field, message)
        else:
            form.add_error(None, f"{field}: {message}" if name_other_fields and field else message)
