"""The one "bad input" error of TCX.

A service that refuses its input raises ``FieldErrors({field: message, ...})`` (or an app's
subclass of it, kept for its name). The API answers every one of them as 422 problem+json with
``errors: [{field, message}]`` (``tcx.api.urls``), and a page puts them on its form's fields
(``tcx.kernel.forms.add_field_errors``). No list of app errors is kept anywhere."""

from __future__ import annotations

from collections.abc import Mapping


class FieldErrors(ValueError):
    """Input that breaks a rule; ``errors`` maps each field (or "" for the whole input) to what is
    wrong with it, in words the person who sent it understands."""

    def __init__(self, errors: Mapping[str, str]):
        self.errors: dict[str, str] = {str(field): str(message) for field, message in errors.items()}
        super().__init__("; ".join(f"{field}: {message}" for field, message in self.errors.items()))
