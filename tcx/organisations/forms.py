from __future__ import annotations

from django import forms

from tcx.organisations.models import Country, CountryKind, Organisation, OrganisationKind


class OrganisationForm(forms.Form):
    name = forms.CharField(max_length=200)
    short_name = forms.CharField(max_length=40, required=False)
    kind = forms.ChoiceField(choices=OrganisationKind.choices)
    country = forms.ChoiceField(required=False)
    parent = forms.ModelChoiceField(queryset=Organisation.objects.all(), required=False, label="Part of")
    sector = forms.CharField(max_length=40, required=False, help_text="police, immigration, customs, FIU ...")
    is_national_contact_point = forms.BooleanField(required=False, label="National contact point")

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["country"].choices = [("", "— none —")] + [  # type: ignore[attr-defined]
            (c.code, c.name) for c in Country.objects.all()
        ]

    def to_data(self) -> dict[str, object]:
        data = dict(self.cleaned_data)
        data["parent"] = data["parent"].pk if data.get("parent") else None
        return data


class CrimeAreaForm(forms.Form):
    name = forms.CharField(max_length=120)
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    lead_shepherd = forms.ChoiceField(required=False, label="Lead shepherd")
    unconfirmed = forms.BooleanField(required=False, label="Lead shepherd not confirmed")
    is_priority = forms.BooleanField(required=False, label="One of SOMTC's priority crime areas")

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["lead_shepherd"].choices = [("", "— none —")] + [  # type: ignore[attr-defined]
            (c.code, c.name) for c in Country.objects.filter(kind=CountryKind.MEMBER_STATE)
        ]
