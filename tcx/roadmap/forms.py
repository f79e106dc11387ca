from __future__ import annotations

from typing import Any

from django import forms

from tcx.roadmap.models import MAX_QUANTITY, LineStatus, MeetingKind, MeetingMode

REPORTED = [(s.value, s.label) for s in LineStatus if s not in (LineStatus.DROPPED,)]


class ProgressForm(forms.Form):
    status = forms.ChoiceField(choices=REPORTED, label="Status")
    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), label="Progress")
    evidence = forms.FileField(required=False, label="Evidence (optional, up to 20 MB)")


class NominationForm(forms.Form):
    nominee_name = forms.CharField(max_length=200, label="Officer's name")
    nominee_title = forms.CharField(max_length=200, required=False, label="Rank and position")


class NeedForm(forms.Form):
    title = forms.CharField(max_length=200, label="Equipment needed")
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)
    quantity = forms.IntegerField(min_value=1, max_value=MAX_QUANTITY, initial=1)


class OfferForm(forms.Form):
    title = forms.CharField(max_length=200, label="Equipment offered")
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)
    quantity = forms.IntegerField(min_value=1, max_value=MAX_QUANTITY, initial=1)


class DocumentForm(forms.Form):
    title = forms.CharField(max_length=200, label="Document title")
    file = forms.FileField(label="File")


# --- the Secretariat's forms: meetings, decisions, the plan, action lines, milestones -------------
# Choices are read when a form is built (reference data an administrator can edit). The services
# check everything again (the API uses them too); their errors are put back on these fields.


def _date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _countries(kind: str | None = None) -> list[tuple[str, str]]:
    from tcx.organisations import selectors as org_selectors

    qs = org_selectors.country_list()
    if kind:
        qs = qs.filter(kind=kind)
    return [(c.code, c.name) for c in qs.order_by("name")]


class CodeChoiceField(forms.ChoiceField):
    """A select of codes whose value the services check: they name an unknown code in their own
    words, together with every other bad field of the submission."""

    def valid_value(self, value: Any) -> bool:
        return True


class CodeMultipleChoiceField(forms.MultipleChoiceField):
    def valid_value(self, value: Any) -> bool:
        return True


class MeetingForm(forms.Form):
    kind = forms.ChoiceField(choices=MeetingKind.choices, label="Type")
    number = forms.CharField(max_length=60, label="Number", help_text='e.g. "SOMTC-21", "SOMTC+JP-17"')
    title = forms.CharField(max_length=200, required=False, label="Title")
    starts_on = forms.DateField(widget=_date_input(), label="Starts on")
    ends_on = forms.DateField(widget=_date_input(), label="Ends on")
    host = CodeChoiceField(required=False, label="Host")
    chair = CodeChoiceField(
        required=False,
        label="Chair",
        help_text="for a consultation: the member state that coordinates the partnership",
    )
    mode = forms.ChoiceField(choices=MeetingMode.choices, label="Mode")
    partners = CodeMultipleChoiceField(
        required=False, label="Dialogue partners taking part", widget=forms.SelectMultiple(attrs={"size": 6})
    )
    parent = CodeChoiceField(
        required=False, label="Session of", help_text="a consultation held during a SOMTC"
    )
    participants = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)
    agenda = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    outcome = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    unconfirmed = forms.BooleanField(required=False, label="Some details are not confirmed by the sources")
    document_title = forms.CharField(max_length=200, required=False, label="Document title (optional)")
    document = forms.FileField(required=False, label="Attach a document (optional)")

    def __init__(self, *args: Any, meeting: Any = None, **kwargs: Any):
        from tcx.roadmap.models import Meeting

        super().__init__(*args, **kwargs)
        blank = [("", "—")]
        self.fields["host"].choices = blank + _countries()  # type: ignore[attr-defined]
        self.fields["chair"].choices = blank + _countries("member_state")  # type: ignore[attr-defined]
        self.fields["partners"].choices = _countries("dialogue_partner")  # type: ignore[attr-defined]
        parents = Meeting.objects.order_by("-starts_on").values_list("number", flat=True)
        if meeting is not None:
            parents = parents.exclude(pk=meeting.pk)
        self.fields["parent"].choices = blank + [(n, n) for n in parents]  # type: ignore[attr-defined]

    @staticmethod
    def initial_of(meeting: Any) -> dict[str, Any]:
        return {
            "kind": meeting.kind,
            "number": meeting.number,
            "title": meeting.title,
            "starts_on": meeting.starts_on,
            "ends_on": meeting.ends_on,
            "host": meeting.host.code if meeting.host else "",
            "chair": meeting.chair.code if meeting.chair else "",
            "mode": meeting.mode,
            "partners": [p.code for p in meeting.partners.all()],
            "parent": meeting.parent.number if meeting.parent else "",
            "participants": meeting.participants,
            "agenda": meeting.agenda,
            "outcome": meeting.outcome,
            "unconfirmed": meeting.unconfirmed,
        }

    def meeting_data(self) -> dict[str, Any]:
        """The fields the services take (the document is attached separately)."""
        data = dict(self.cleaned_data)
        data.pop("document", None)
        data.pop("document_title", None)
        return data


class DecisionForm(forms.Form):
    reference = forms.CharField(max_length=60, label="Reference", help_text='e.g. "R3"')
    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), label="Decision or recommendation")
    crime_areas = CodeMultipleChoiceField(
        required=False, label="Crime areas", widget=forms.SelectMultiple(attrs={"size": 5})
    )
    proposed_by = CodeChoiceField(required=False, label="Proposed by")
    component = CodeChoiceField(required=False, label="Work Programme component")

    def __init__(self, *args: Any, **kwargs: Any):
        from tcx.organisations import selectors as org_selectors
        from tcx.roadmap.models import Component

        super().__init__(*args, **kwargs)
        self.fields["crime_areas"].choices = [  # type: ignore[attr-defined]
            (a.code, a.name) for a in org_selectors.crime_area_list()
        ]
        self.fields["proposed_by"].choices = [("", "—"), *_countries("member_state")]  # type: ignore[attr-defined]
        self.fields["component"].choices = [  # type: ignore[attr-defined]
            ("", "—"),
            *((c.code, c.title) for c in Component.objects.all()),
        ]


class PlanUploadForm(forms.Form):
    file = forms.FileField(label="Plan file (JSON)", help_text="the format of tcx roadmap load-plan")


class DropForm(forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        label="Why is the line dropped?",
        help_text="e.g. the meeting that decided it",
    )


class LineForm(forms.Form):
    title = forms.CharField(max_length=300, label="Title")
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    crime_area = CodeChoiceField(required=False, label="Crime area")
    lead = CodeChoiceField(
        required=False, label="Lead member state", help_text="empty: the lead shepherd of the crime area"
    )
    co_leads = CodeMultipleChoiceField(
        required=False, label="Co-lead member states", widget=forms.SelectMultiple(attrs={"size": 5})
    )
    partners = CodeMultipleChoiceField(
        required=False, label="Dialogue partners", widget=forms.SelectMultiple(attrs={"size": 5})
    )
    starts_on = forms.DateField(widget=_date_input(), required=False, label="Starts on")
    due_on = forms.DateField(widget=_date_input(), label="Due on")
    decision_id = CodeChoiceField(required=False, label="Implements decision")

    def __init__(self, *args: Any, **kwargs: Any):
        from tcx.organisations import selectors as org_selectors
        from tcx.roadmap.models import Decision

        super().__init__(*args, **kwargs)
        members = _countries("member_state")
        self.fields["crime_area"].choices = [  # type: ignore[attr-defined]
            ("", "—"),
            *((a.code, a.name) for a in org_selectors.crime_area_list()),
        ]
        self.fields["lead"].choices = [("", "— lead shepherd —"), *members]  # type: ignore[attr-defined]
        self.fields["co_leads"].choices = members  # type: ignore[attr-defined]
        self.fields["partners"].choices = _countries("dialogue_partner")  # type: ignore[attr-defined]
        self.fields["decision_id"].choices = [  # type: ignore[attr-defined]
            ("", "—"),
            *((str(d.pk), f"{d} — {d.text[:60]}") for d in Decision.objects.select_related("meeting")),
        ]

    @staticmethod
    def initial_of(line: Any) -> dict[str, Any]:
        return {
            "title": line.title,
            "description": line.description,
            "crime_area": line.crime_area.code if line.crime_area else "",
            "lead": line.lead.code,
            "co_leads": [c.code for c in line.co_leads.all()],
            "partners": [c.code for c in line.partners.all()],
            "starts_on": line.starts_on,
            "due_on": line.due_on,
            "decision_id": str(line.decision_id or ""),
        }


class MilestoneForm(forms.Form):
    title = forms.CharField(max_length=300, label="Milestone")
    due_on = forms.DateField(widget=_date_input(), label="Due on")
    done_on = forms.DateField(widget=_date_input(), required=False, label="Done on")
