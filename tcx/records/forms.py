from __future__ import annotations

from typing import Any

from django import forms

from tcx.organisations import selectors as org_selectors
from tcx.policy.forms import PolicyFields
from tcx.policy.models import HandlingCode
from tcx.records.models import HitDisclosure, Priority, SubjectRole
from tcx.records.validation import SCHEMATA

# The fields of the record form, each an FtM property (one value per line).
PROPERTY_FIELDS = [
    ("name", "Names (one per line, any script)"),
    ("birthDate", "Date of birth (YYYY, YYYY-MM or YYYY-MM-DD)"),
    ("nationality", "Nationality (country code)"),
    ("gender", "Gender"),
    ("phone", "Phone numbers"),
    ("email", "E-mail addresses"),
    ("passportNumber", "Passport numbers"),
    ("idNumber", "National ID numbers"),
    ("registrationNumber", "Registration numbers (companies, vehicles)"),
    ("imoNumber", "IMO numbers (vessels)"),
    ("accountNumber", "Account numbers"),
    ("publicKey", "Wallet addresses"),
]


class RecordForm(PolicyFields):
    field_order = [
        "schema",
        "subject_role",
        "crime_areas",
        "source_reference",
        *PolicyFields.base_fields,
        "hit_disclosure",
        "operation_target",
    ]
    schema = forms.ChoiceField(choices=[(s, s) for s in SCHEMATA], initial="Person", label="Kind of subject")
    subject_role = forms.ChoiceField(choices=[("", "—"), *SubjectRole.choices], required=False, label="Role")
    crime_areas = forms.MultipleChoiceField(required=False, widget=forms.CheckboxSelectMultiple)
    source_reference = forms.CharField(max_length=200, required=False, label="Your case reference")
    hit_disclosure = forms.ChoiceField(
        choices=HitDisclosure.choices, initial=HitDisclosure.COUNTRY, label="A hit tells the other side"
    )
    operation_target = forms.BooleanField(required=False, label="Target of an active operation")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, label in PROPERTY_FIELDS:
            self.fields[f"p_{name}"] = forms.CharField(
                label=label, required=False, widget=forms.Textarea(attrs={"rows": 1})
            )
        self.fields["crime_areas"].choices = [(a.code, a.name) for a in org_selectors.crime_area_list()]  # type: ignore[attr-defined]

    @classmethod
    def initial_for(cls, record: Any) -> dict[str, Any]:
        """The form's initial values for editing ``record``."""
        initial: dict[str, Any] = {
            "schema": record.schema,
            "subject_role": record.subject_role,
            "source_reference": record.source_reference,
            "crime_areas": [a.code for a in record.crime_areas.all()],
            **PolicyFields.initial_for(record),
            "hit_disclosure": record.hit_disclosure,
            "operation_target": record.operation_target,
        }
        stored = record.properties if isinstance(record.properties, dict) else {}
        for name, _ in PROPERTY_FIELDS:
            values = stored.get(name) or []
            # written before every path validated: shown as text, so the officer can correct it
            values = values if isinstance(values, list) else [values]
            initial[f"p_{name}"] = "\n".join(str(v) for v in values)
        return initial

    def properties(self) -> dict[str, list[str]]:
        props = {}
        for name, _ in PROPERTY_FIELDS:
            values = [v.strip() for v in self.cleaned_data.get(f"p_{name}", "").splitlines() if v.strip()]
            if values:
                props[name] = values
        return props


class SearchForm(forms.Form):
    q = forms.CharField(label="Name or identifier, in any script", required=False)


class ReleaseRequestForm(forms.Form):
    purpose = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), label="Purpose")
    priority = forms.ChoiceField(choices=Priority.choices, initial=Priority.NORMAL)


class ReleaseDecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("release", "Release"), ("decline", "Decline")])
    handling_codes = forms.MultipleChoiceField(
        choices=HandlingCode.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Add handling codes",
    )
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), required=False, label="Reason (required to decline)"
    )


class ImportForm(PolicyFields):
    """An import's file, its mapping, and the sharing policy every record of it gets."""

    field_order = ["file", "mapping", "schema", *PolicyFields.base_fields]
    file = forms.FileField(label="File (.jsonl, .csv or .xlsx)")
    mapping = forms.CharField(
        required=False,
        label="Column mapping (CSV/XLSX)",
        help_text="property=column, e.g. id=Ref,name=Full name,birthDate=DOB,phone=Phone",
    )
    schema = forms.ChoiceField(
        choices=[(s, s) for s in SCHEMATA],
        initial="Person",
        label="Kind of subject of rows without a schema column",
    )
