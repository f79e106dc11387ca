from __future__ import annotations

from typing import Any

from django import forms

from tcx.organisations import selectors as org_selectors
from tcx.policy.models import TLP, HandlingCode
from tcx.policy.rules import Policy
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


class RecordForm(forms.Form):
    schema = forms.ChoiceField(choices=[(s, s) for s in SCHEMATA], initial="Person", label="Kind of subject")
    subject_role = forms.ChoiceField(choices=[("", "—"), *SubjectRole.choices], required=False, label="Role")
    crime_areas = forms.MultipleChoiceField(required=False, widget=forms.CheckboxSelectMultiple)
    source_reference = forms.CharField(max_length=200, required=False, label="Your case reference")
    tlp = forms.ChoiceField(choices=TLP.choices, initial=TLP.AMBER, label="TLP")
    audience_organisations = forms.MultipleChoiceField(required=False, label="Share with agencies")
    audience_groups = forms.MultipleChoiceField(required=False, label="Share with sharing groups")
    handling_codes = forms.MultipleChoiceField(
        choices=HandlingCode.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Handling codes",
    )
    handling_h3_text = forms.CharField(max_length=500, required=False, label="H3 restriction")
    legal_basis = forms.CharField(
        max_length=500, required=False, help_text="required when a dialogue-partner agency is in the audience"
    )
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
        self.fields["audience_organisations"].choices = [  # type: ignore[attr-defined]
            (str(o.pk), o.name) for o in org_selectors.organisation_list()
        ]
        self.fields["audience_groups"].choices = [  # type: ignore[attr-defined]
            (str(g.pk), g.name) for g in org_selectors.sharing_group_list()
        ]

    @classmethod
    def initial_for(cls, record: Any) -> dict[str, Any]:
        """The form's initial values for editing ``record``."""
        initial: dict[str, Any] = {
            "schema": record.schema,
            "subject_role": record.subject_role,
            "source_reference": record.source_reference,
            "crime_areas": [a.code for a in record.crime_areas.all()],
            "tlp": record.tlp,
            "audience_organisations": [
                str(pk) for pk in record.audience_organisations.values_list("pk", flat=True)
            ],
            "audience_groups": [str(pk) for pk in record.audience_groups.values_list("pk", flat=True)],
            "handling_codes": record.handling_codes,
            "handling_h3_text": record.handling_h3_text,
            "legal_basis": record.legal_basis,
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

    def policy(self) -> Policy:
        data = self.cleaned_data
        return Policy(
            audience_organisations=[int(x) for x in data["audience_organisations"]],
            audience_groups=[int(x) for x in data["audience_groups"]],
            tlp=data["tlp"],
            handling_codes=list(data["handling_codes"]),
            handling_h3_text=data["handling_h3_text"],
            legal_basis=data["legal_basis"],
        )


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


class ImportForm(forms.Form):
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
    tlp = forms.ChoiceField(choices=TLP.choices, initial=TLP.AMBER, label="TLP")
    audience_groups = forms.MultipleChoiceField(required=False, label="Share with sharing groups")
    legal_basis = forms.CharField(max_length=500, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["audience_groups"].choices = [  # type: ignore[attr-defined]
            (str(g.pk), g.name) for g in org_selectors.sharing_group_list()
        ]
