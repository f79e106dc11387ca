"""The sharing-policy fields of every page that shares something (a record, an exchange, a
reply): one definition of the fields a :class:`tcx.policy.rules.Policy` is made of, as the API's
``PolicyIn`` (``tcx.api.schemas``) is for a JSON body. A test holds the two to the dataclass."""

from __future__ import annotations

import dataclasses
from typing import Any, ClassVar

from django import forms
from django.utils.translation import gettext_lazy

from tcx.organisations import selectors as org_selectors
from tcx.policy.models import TLP, HandlingCode, InformationAssessment, SourceReliability
from tcx.policy.rules import Policy

AUDIENCE_FIELDS = ("audience_organisations", "audience_groups")


class PolicyFields(forms.Form):
    """A form's sharing-policy fields, and the :class:`Policy` they give. A form whose audience
    comes from elsewhere (an exchange's recipients) sets ``with_audience = False``."""

    with_audience: ClassVar[bool] = True

    tlp = forms.ChoiceField(choices=TLP.choices, initial=TLP.AMBER, label=gettext_lazy("TLP"))
    audience_organisations = forms.MultipleChoiceField(
        required=False, label=gettext_lazy("Share with agencies")
    )
    audience_groups = forms.MultipleChoiceField(
        required=False, label=gettext_lazy("Share with sharing groups")
    )
    handling_codes = forms.MultipleChoiceField(
        choices=HandlingCode.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=gettext_lazy("Handling codes"),
    )
    handling_h3_text = forms.CharField(max_length=500, required=False, label=gettext_lazy("H3 restriction"))
    evaluation_source = forms.ChoiceField(
        choices=[("", "—"), *SourceReliability.choices],
        required=False,
        label=gettext_lazy("Source evaluation"),
    )
    evaluation_information = forms.ChoiceField(
        choices=[("", "—"), *InformationAssessment.choices],
        required=False,
        label=gettext_lazy("Information evaluation"),
    )
    legal_basis = forms.CharField(
        max_length=500,
        required=False,
        label=gettext_lazy("Legal basis"),
        help_text=gettext_lazy("required when a dialogue-partner agency is in the audience"),
    )
    review_date = forms.DateField(
        required=False,
        label=gettext_lazy("Review date"),
        help_text=gettext_lazy("YYYY-MM-DD; when the owner looks at the sharing again (optional)"),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.with_audience:
            for name in AUDIENCE_FIELDS:
                del self.fields[name]
            return
        self.fields["audience_organisations"].choices = [  # type: ignore[attr-defined]
            (str(o.pk), o.name) for o in org_selectors.organisation_list()
        ]
        self.fields["audience_groups"].choices = [  # type: ignore[attr-defined]
            (str(g.pk), g.name) for g in org_selectors.sharing_group_list()
        ]

    def policy(self) -> Policy:
        data = self.cleaned_data
        return Policy(
            audience_organisations=[int(x) for x in data.get("audience_organisations") or []],
            audience_groups=[int(x) for x in data.get("audience_groups") or []],
            tlp=data["tlp"],
            handling_codes=list(data["handling_codes"]),
            handling_h3_text=data["handling_h3_text"],
            evaluation_source=data["evaluation_source"],
            evaluation_information=data["evaluation_information"],
            legal_basis=data["legal_basis"],
            review_date=data["review_date"],
        )

    @staticmethod
    def initial_for(obj: Any) -> dict[str, Any]:
        """The policy fields' initial values for editing a shared object."""
        return {
            "tlp": obj.tlp,
            "audience_organisations": [
                str(pk) for pk in obj.audience_organisations.values_list("pk", flat=True)
            ],
            "audience_groups": [str(pk) for pk in obj.audience_groups.values_list("pk", flat=True)],
            "handling_codes": obj.handling_codes,
            "handling_h3_text": obj.handling_h3_text,
            "evaluation_source": obj.evaluation_source,
            "evaluation_information": obj.evaluation_information,
            "legal_basis": obj.legal_basis,
            "review_date": obj.review_date,
        }


POLICY_FIELD_NAMES = tuple(f.name for f in dataclasses.fields(Policy))
