"""The SOMTC/AMMTC roadmap: meetings, decisions, the plan (Plan of Action → Work Programme
components → action lines), progress; capacity-building programmes and equipment support.

Not operational data: visibility is decided in ``tcx.roadmap.selectors`` (one place). Only what
people decide is stored; whether a line is late is computed (``tcx.roadmap.lateness``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from tcx.organisations.models import Country, CrimeArea, Organisation

# Limits every write path checks (the services) and the API declares (the schemas).
MAX_QUANTITY = 1_000_000
MAX_SEATS_PER_COUNTRY = 100


class MeetingKind(models.TextChoices):
    AMMTC = "ammtc", "AMMTC"
    SOMTC = "somtc", "SOMTC plenary"
    SOMTC_PLUS = "somtc_plus", "SOMTC+partner consultation"
    WORKING_GROUP = "working_group", "Working group"
    AMMTC_PLUS_THREE = "ammtc_plus3", "AMMTC+3"
    OTHER = "other", "Other"


class MeetingMode(models.TextChoices):
    IN_PERSON = "in_person", "In person"
    VIDEO = "video", "Video conference"


class Meeting(models.Model):
    kind = models.CharField(max_length=16, choices=MeetingKind.choices)
    number = models.CharField(max_length=60, unique=True, help_text='e.g. "SOMTC-21"')
    title = models.CharField(max_length=200)
    starts_on = models.DateField()
    ends_on = models.DateField()
    host = models.ForeignKey(Country, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    chair = models.ForeignKey(Country, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    mode = models.CharField(max_length=10, choices=MeetingMode.choices, default=MeetingMode.IN_PERSON)
    # the dialogue partners taking part (a consultation's partner; AMMTC+3: China, Japan, Korea)
    partners = models.ManyToManyField(Country, blank=True, related_name="roadmap_meetings")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="sessions"
    )
    participants = models.TextField(blank=True)
    agenda = models.TextField(blank=True)
    outcome = models.TextField(blank=True)
    # DOMAIN.md: facts the sources do not confirm are kept, but flagged (e.g. who chaired a consultation)
    unconfirmed = models.BooleanField(
        default=False, help_text="some details (chair, dates) are not confirmed by the sources"
    )

    class Meta:
        ordering = ["starts_on", "number"]

    def __str__(self) -> str:
        return self.number


class MeetingDocument(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="documents")
    title = models.CharField(max_length=200)
    file = models.FileField(upload_to="roadmap/meetings/%Y/")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.title


class PlanOfAction(models.Model):
    code = models.SlugField(max_length=60, unique=True)
    title = models.CharField(max_length=200)
    starts_on = models.DateField()
    ends_on = models.DateField()

    class Meta:
        ordering = ["starts_on"]

    def __str__(self) -> str:
        return self.title


class Component(models.Model):
    """A Work Programme component (one per crime area in the 2022–2024 SOMTC Work Programme)."""

    plan = models.ForeignKey(PlanOfAction, on_delete=models.PROTECT, related_name="components")
    code = models.SlugField(max_length=60, unique=True)
    title = models.CharField(max_length=200)
    crime_area = models.ForeignKey(
        CrimeArea, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["plan", "position", "code"]

    def __str__(self) -> str:
        return self.title


class Decision(models.Model):
    """A decision or recommendation of a meeting."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="decisions")
    reference = models.CharField(max_length=60)
    text = models.TextField()
    crime_areas = models.ManyToManyField(CrimeArea, blank=True, related_name="+")
    proposed_by = models.ForeignKey(
        Country, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    component = models.ForeignKey(
        Component, null=True, blank=True, on_delete=models.PROTECT, related_name="decisions"
    )

    class Meta:
        ordering = ["meeting__starts_on", "reference"]
        constraints = [models.UniqueConstraint(fields=["meeting", "reference"], name="roadmap_decision_ref")]

    def __str__(self) -> str:
        return f"{self.meeting.number} {self.reference}"


class LineStatus(models.TextChoices):
    """Statuses people decide. "late" is computed, never stored (see lateness.py)."""

    NOT_STARTED = "not_started", "Not started"
    ON_TRACK = "on_track", "On track"
    AT_RISK = "at_risk", "At risk"
    DONE = "done", "Done"
    DROPPED = "dropped", "Dropped"


CLOSED_STATUSES = frozenset({LineStatus.DONE, LineStatus.DROPPED})


class ActionLine(models.Model):
    component = models.ForeignKey(Component, on_delete=models.PROTECT, related_name="action_lines")
    decision = models.ForeignKey(
        Decision, null=True, blank=True, on_delete=models.PROTECT, related_name="action_lines"
    )
    code = models.SlugField(max_length=60, unique=True)
    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    crime_area = models.ForeignKey(
        CrimeArea, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    lead = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="led_action_lines")
    co_leads = models.ManyToManyField(Country, blank=True, related_name="co_led_action_lines")
    partners = models.ManyToManyField(Country, blank=True, related_name="partnered_action_lines")
    starts_on = models.DateField(null=True, blank=True)
    due_on = models.DateField()
    status = models.CharField(max_length=12, choices=LineStatus.choices, default=LineStatus.NOT_STARTED)
    closed_at = models.DateTimeField(null=True, blank=True)
    dropped_reason = models.TextField(blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["due_on", "code"]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    @property
    def is_closed(self) -> bool:
        return self.status in CLOSED_STATUSES


class Milestone(models.Model):
    action_line = models.ForeignKey(ActionLine, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(max_length=300)
    due_on = models.DateField()
    done_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["due_on", "pk"]

    def __str__(self) -> str:
        return self.title


class ProgressUpdate(models.Model):
    action_line = models.ForeignKey(ActionLine, on_delete=models.PROTECT, related_name="progress_updates")
    country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    meeting = models.ForeignKey(Meeting, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    text = models.TextField()
    status = models.CharField(max_length=12, choices=LineStatus.choices)
    evidence = models.FileField(upload_to="roadmap/evidence/%Y/", blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.action_line.code} {self.created_at:%Y-%m-%d}"


class Reminder(models.Model):
    """A notification sent before (or after) a due date; unique so ``tcx roadmap notify`` is idempotent."""

    action_line = models.ForeignKey(ActionLine, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(max_length=12)  # "due_30", "due_7", "late"
    due_on = models.DateField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["action_line", "kind", "due_on"], name="roadmap_reminder_once")
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.due_on}"


class ProgrammeKind(models.TextChoices):
    TRAINING = "training", "Training course"
    LANGUAGE = "language", "Language training"
    WORKSHOP = "workshop", "Workshop"
    STUDY_VISIT = "study_visit", "Study visit"


class Programme(models.Model):
    """A capacity-building programme sponsored by a dialogue partner."""

    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=12, choices=ProgrammeKind.choices)
    sponsor = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="sponsored_programmes")
    sponsor_organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    host = models.ForeignKey(Country, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    crime_area = models.ForeignKey(
        CrimeArea, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    starts_on = models.DateField()
    ends_on = models.DateField()
    seats_per_country = models.PositiveSmallIntegerField(default=2)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["starts_on", "title"]

    def __str__(self) -> str:
        return self.title


class NominationStatus(models.TextChoices):
    NOMINATED = "nominated", "Nominated"
    APPROVED = "approved", "Approved"
    DECLINED = "declined", "Declined"
    ATTENDED = "attended", "Attended"
    COMPLETED = "completed", "Completed"
    NO_SHOW = "no_show", "Did not attend"


class Nomination(models.Model):
    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="nominations")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="+")
    nominee_name = models.CharField(max_length=200)
    nominee_title = models.CharField(max_length=200, blank=True)
    status = models.CharField(
        max_length=10, choices=NominationStatus.choices, default=NominationStatus.NOMINATED
    )
    nominated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["programme", "country__name", "pk"]

    def __str__(self) -> str:
        return f"{self.nominee_name} ({self.country_id})"


class NeedStatus(models.TextChoices):
    OPEN = "open", "Open"
    MATCHED = "matched", "Matched"
    DELIVERED = "delivered", "Delivered"
    WITHDRAWN = "withdrawn", "Withdrawn"


class EquipmentNeed(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    quantity = models.PositiveIntegerField(default=1)
    status = models.CharField(max_length=10, choices=NeedStatus.choices, default=NeedStatus.OPEN)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.title


class OfferStatus(models.TextChoices):
    OFFERED = "offered", "Offered"
    MATCHED = "matched", "Matched to a need"
    SHIPPED = "shipped", "Shipped"
    DELIVERED = "delivered", "Delivered"
    WITHDRAWN = "withdrawn", "Withdrawn"


class EquipmentOffer(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    quantity = models.PositiveIntegerField(default=1)
    need = models.ForeignKey(
        EquipmentNeed, null=True, blank=True, on_delete=models.PROTECT, related_name="offers"
    )
    status = models.CharField(max_length=10, choices=OfferStatus.choices, default=OfferStatus.OFFERED)
    delivered_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.title
