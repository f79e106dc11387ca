from __future__ import annotations

import dataclasses
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy

from tcx.exchange.models import ExchangeStatus, Priority
from tcx.exchange.services import Upload
from tcx.organisations import selectors as org_selectors
from tcx.policy.forms import PolicyFields as SharedPolicyFields
from tcx.policy.rules import Policy


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(d, initial) for d in data]
        return [super().clean(data, initial)] if data else []


class PolicyFields(SharedPolicyFields):
    """A message's sharing policy (its audience is its recipients), its text and files."""

    with_audience = False
    body = forms.CharField(widget=forms.Textarea(attrs={"rows": 6}), label="Message")
    attachments = MultipleFileField(required=False, label="Attachments (up to 50 MB each)")

    def uploads(self) -> list[Upload]:
        return [Upload(f.name, f.read()) for f in self.cleaned_data.get("attachments") or []]


class ComposeForm(PolicyFields):
    field_order = [
        "subject",
        "recipients",
        "copy_recipients",
        "units",
        "priority",
        "crime_areas",
        "body",
        "linked_record_ids",
    ]
    subject = forms.CharField(max_length=300)
    recipients = forms.MultipleChoiceField(
        label="To (agencies)", widget=forms.SelectMultiple(attrs={"size": 6})
    )
    copy_recipients = forms.MultipleChoiceField(
        required=False, label="Copy to (agencies)", widget=forms.SelectMultiple(attrs={"size": 4})
    )
    priority = forms.ChoiceField(
        choices=Priority.choices,
        initial=Priority.NORMAL,
        help_text="answer deadline: urgent 8 hours, normal 7 days, routine 30 days",
    )
    crime_areas = forms.MultipleChoiceField(required=False, widget=forms.CheckboxSelectMultiple)
    linked_record_ids = forms.CharField(
        required=False,
        label="Linked records (optional)",
        help_text="record numbers, separated by commas; each must be a record you can see",
    )
    units = forms.MultipleChoiceField(
        required=False,
        label="Units (optional)",
        widget=forms.SelectMultiple(attrs={"size": 3}),
        help_text="a unit of an agency above receives it there; else the agency's national contact point",
    )

    def __init__(self, *args: Any, own_organisation_id: int | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        active = list(org_selectors.organisation_list().exclude(pk=own_organisation_id or 0))
        orgs = [(str(o.pk), o.name) for o in active if o.kind in ("member_state_agency", "partner_agency")]
        self.fields["recipients"].choices = orgs  # type: ignore[attr-defined]
        self.fields["copy_recipients"].choices = orgs  # type: ignore[attr-defined]
        self._unit_parents = {o.pk: o.parent_id for o in active if o.parent_id}
        self.fields["units"].choices = [  # type: ignore[attr-defined]
            (str(o.pk), f"{o.name} — {o.parent.display_name}") for o in active if o.parent_id and o.parent
        ]
        self.fields["crime_areas"].choices = [(a.code, a.name) for a in org_selectors.crime_area_list()]  # type: ignore[attr-defined]

    def clean_linked_record_ids(self) -> list[int]:
        text = self.cleaned_data.get("linked_record_ids") or ""
        parts = [p.strip().lstrip("#") for p in text.replace(";", ",").split(",") if p.strip()]
        bad = [p for p in parts if not p.isdigit()]
        if bad:
            raise forms.ValidationError(f"not a record number: {', '.join(bad)}")
        return [int(p) for p in parts]

    def unit_map(self) -> dict[int, int]:
        """The units chosen, by the agency they belong to (the service checks it is a recipient)."""
        chosen = [int(x) for x in self.cleaned_data.get("units") or []]
        return {self._unit_parents[u]: u for u in chosen if u in self._unit_parents}


class ReplyForm(PolicyFields):
    audience = forms.TypedMultipleChoiceField(
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=gettext_lazy("Only to"),
        help_text=gettext_lazy("leave all unticked to reply to every organisation of the thread"),
    )

    def __init__(self, *args: Any, organisations: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [(o.pk, o.name) for o in organisations]
        self.fields["audience"].choices = choices  # type: ignore[attr-defined]

    def policy(self) -> Policy:
        return dataclasses.replace(
            super().policy(), audience_organisations=list(self.cleaned_data["audience"])
        )


class AssignForm(forms.Form):
    assignee = forms.TypedChoiceField(coerce=int, empty_value=None, required=False, label="Assign to")

    def __init__(self, *args: Any, colleagues: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assignee"].choices = [("", "— nobody —")] + [  # type: ignore[attr-defined]
            (str(u.pk), u.get_full_name() or u.username) for u in colleagues
        ]


class ForwardForm(forms.Form):
    organisation = forms.TypedChoiceField(coerce=int, label="Forward to")
    reason = forms.CharField(max_length=500, required=False, label="Why")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].choices = [  # type: ignore[attr-defined]
            (str(o.pk), o.name) for o in org_selectors.organisation_list().filter(is_active=True)
        ]


class FilterForm(forms.Form):
    box = forms.ChoiceField(
        choices=[("inbox", "Inbox"), ("outbox", "Outbox"), ("all", "All")], required=False
    )
    q = forms.CharField(required=False, label="Reference or text")
    priority = forms.ChoiceField(choices=[("", "any"), *Priority.choices], required=False)
    status = forms.ChoiceField(choices=[("", "any"), *ExchangeStatus.choices], required=False)
    crime_area = forms.ChoiceField(required=False, label="Crime area")
    country = forms.ChoiceField(required=False)
    overdue = forms.BooleanField(required=False, label="Overdue only")
    assigned_to_me = forms.BooleanField(required=False, label="Assigned to me")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        areas = [("", "any")] + [(a.code, a.name) for a in org_selectors.crime_area_list()]
        self.fields["crime_area"].choices = areas  # type: ignore[attr-defined]
        countries = [("", "any")] + [(c.code, c.name) for c in org_selectors.country_list()]
        self.fields["country"].choices = countries  # type: ignore[attr-defined]


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", "Approve"), ("decline", "Decline")])
