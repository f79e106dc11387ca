"""Subject records (FollowTheMoney entities with TCX policy), their history, the match index in
the database, matches between records, and release requests behind hits."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from tcx.policy.models import Shareable


class SubjectRole(models.TextChoices):
    SUSPECT = "suspect", "Suspect"
    VICTIM = "victim", "Victim"
    WITNESS = "witness", "Witness"
    ASSOCIATE = "associate", "Associate"
    WANTED = "wanted", "Wanted"
    MISSING = "missing", "Missing"


class RecordStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    ARCHIVED = "archived", "Archived"


class HitDisclosure(models.TextChoices):
    """How much a hit tells the other side about who holds the record."""

    ORGANISATION = "organisation", "the holding agency"
    COUNTRY = "country", "the holding agency's country"
    MEMBER_STATE = "member_state", 'only "a member-state agency"'


class Record(Shareable):
    """One subject an agency holds: a person, organisation, phone, account, wallet, vehicle,
    vessel or document, as a FollowTheMoney entity (``schema`` + ``properties``)."""

    schema = models.CharField(max_length=40)
    properties = models.JSONField(default=dict)
    caption = models.CharField(max_length=300)
    crime_areas = models.ManyToManyField("organisations.CrimeArea", blank=True, related_name="records")
    subject_role = models.CharField(max_length=12, choices=SubjectRole.choices, blank=True)
    source_reference = models.CharField(max_length=200, blank=True)
    external_id = models.CharField(max_length=200, blank=True, help_text="the owner's own id, for re-imports")
    status = models.CharField(max_length=10, choices=RecordStatus.choices, default=RecordStatus.ACTIVE)
    hit_disclosure = models.CharField(
        max_length=14, choices=HitDisclosure.choices, default=HitDisclosure.COUNTRY
    )
    operation_target = models.BooleanField(
        default=False, help_text="a target of an active operation (deconfliction alerts)"
    )
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    # the key hashes posted for this record in the match index (tcx.records.index), packed as
    # signed 64-bit integers: its postings are found and removed by primary key
    indexed_keys = models.BinaryField(default=b"", editable=False)

    class Meta:
        ordering = ["-updated_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "external_id"],
                condition=~Q(external_id=""),
                name="record_unique_external_id",
            )
        ]
        indexes = [models.Index(fields=["owner", "status"])]

    def __str__(self) -> str:
        return f"{self.schema} {self.caption}"

    def as_entity(self) -> dict[str, object]:
        """The FollowTheMoney form the matching engine reads."""
        return {"id": str(self.pk), "schema": self.schema, "properties": self.properties}


class RecordVersion(models.Model):
    """Every state a record has been in: created, each edit, archiving."""

    record = models.ForeignKey(Record, on_delete=models.CASCADE, related_name="versions")
    version = models.PositiveIntegerField()
    change = models.CharField(max_length=20)
    schema = models.CharField(max_length=40)
    properties = models.JSONField(default=dict)
    caption = models.CharField(max_length=300)
    status = models.CharField(max_length=10)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["record", "-version"]
        constraints = [models.UniqueConstraint(fields=["record", "version"], name="record_version_unique")]

    def __str__(self) -> str:
        return f"{self.record_id} v{self.version}"


class LinkSchema(models.TextChoices):
    """FollowTheMoney relationship schemata between subjects."""

    FAMILY = "Family", "Family"
    ASSOCIATE = "Associate", "Associate"
    MEMBERSHIP = "Membership", "Membership"
    OWNERSHIP = "Ownership", "Ownership"
    DIRECTORSHIP = "Directorship", "Directorship"
    EMPLOYMENT = "Employment", "Employment"
    UNKNOWN = "UnknownLink", "Other link"


class RecordLink(models.Model):
    """A relationship between two records of the same owner (e.g. a suspect and the phone or
    company they use). Visible to whoever may see both records."""

    schema = models.CharField(max_length=20, choices=LinkSchema.choices)
    source = models.ForeignKey(Record, on_delete=models.CASCADE, related_name="links_out")
    target = models.ForeignKey(Record, on_delete=models.CASCADE, related_name="links_in")
    relationship = models.CharField(max_length=200, blank=True, help_text="e.g. brother, 51% owner")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["source", "target", "schema"], name="record_link_unique"),
            models.CheckConstraint(condition=~Q(source=models.F("target")), name="record_link_not_self"),
        ]

    def __str__(self) -> str:
        return f"{self.source_id} {self.schema} {self.target_id}"


class MatchKey(models.Model):
    """A posting of the match index: one blocking key of one active record.

    Keys are stored as 64-bit hashes (``tcx.records.index.key_hash``): a fixed-width integer is
    several times smaller and faster to write and search than the key text, and a collision
    (odds 2⁻⁶⁴ per pair of keys) can only add a candidate, which the scorer judges. The table
    is its primary key ``(key, record)`` (on SQLite a ``WITHOUT ROWID`` table): one B-tree to
    write per posting, read in key order. A record's postings are found from the keys it
    remembers (``Record.indexed_keys``), so there is no index on ``record``; records are never
    deleted (they are archived), and no database constraint is checked on each posting."""

    pk = models.CompositePrimaryKey("key", "record")
    key = models.BigIntegerField()
    record = models.ForeignKey(
        Record, on_delete=models.CASCADE, related_name="match_keys", db_index=False, db_constraint=False
    )

    def __str__(self) -> str:
        return f"{self.key} → {self.record_id}"


class MatchKeyCount(models.Model):
    """How many indexed records hold a key (its document frequency), kept current with the
    postings so that ranking a query's keys is a few primary-key lookups, not a count over the
    postings. The row of key 0 (``tcx.records.index.TOTAL``) counts the indexed records."""

    key = models.BigIntegerField(primary_key=True)
    records = models.IntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.key}: {self.records}"


class MatchKind(models.TextChoices):
    CROSS_AGENCY = "cross_agency", "Held by another agency"
    DUPLICATE = "duplicate", "Possible duplicate in the same agency"


class MatchStatus(models.TextChoices):
    OPEN = "open", "Open"
    CONFIRMED = "confirmed", "Confirmed"
    REJECTED = "rejected", "Rejected"


class Match(models.Model):
    """Two records the engine found to be the same subject (``record_a.pk < record_b.pk``)."""

    record_a = models.ForeignKey(Record, on_delete=models.CASCADE, related_name="+")
    record_b = models.ForeignKey(Record, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=14, choices=MatchKind.choices)
    score = models.FloatField()
    band = models.CharField(max_length=10)
    explanation = models.JSONField(default=dict)
    status = models.CharField(max_length=10, choices=MatchStatus.choices, default=MatchStatus.OPEN)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    deconfliction = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-updated_at"]
        constraints = [models.UniqueConstraint(fields=["record_a", "record_b"], name="match_pair_unique")]

    def __str__(self) -> str:
        return f"match {self.record_a_id}~{self.record_b_id} {self.score:.2f}"


class Priority(models.TextChoices):
    URGENT = "urgent", "Urgent"
    NORMAL = "normal", "Normal"


class ReleaseStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    RELEASED = "released", "Released"
    DECLINED = "declined", "Declined"


class ReleaseRequest(models.Model):
    """Step 2 of hit/no-hit: the side that got a hit asks the owner to release its record."""

    match = models.ForeignKey(Match, on_delete=models.CASCADE, related_name="release_requests")
    record = models.ForeignKey(Record, on_delete=models.CASCADE, related_name="release_requests")
    requester = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="+")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    purpose = models.TextField()
    priority = models.CharField(max_length=8, choices=Priority.choices, default=Priority.NORMAL)
    deadline = models.DateTimeField()
    status = models.CharField(max_length=10, choices=ReleaseStatus.choices, default=ReleaseStatus.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField(blank=True)
    added_handling_codes = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"release of {self.record_id} to {self.requester_id}: {self.status}"

    @property
    def is_overdue(self) -> bool:
        return self.status == ReleaseStatus.PENDING and timezone.now() > self.deadline


class ImportStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


class ImportRun(models.Model):
    """A file uploaded on the import page, imported in the background with its progress.

    The file waits under ``TCX_DATA_DIR/imports`` until it is imported. Imports are idempotent
    by owner + external id, so a run whose process died is simply run again from the start."""

    owner = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    file_name = models.CharField(max_length=255, help_text="the name of the uploaded file")
    stored_as = models.CharField(max_length=255)
    options = models.JSONField(default=dict, help_text="mapping, schema, policy, crime areas, role")
    status = models.CharField(max_length=10, choices=ImportStatus.choices, default=ImportStatus.QUEUED)
    rows_total = models.PositiveIntegerField(
        default=0, help_text="rows in the file (estimated before reading)"
    )
    rows_read = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    rejected = models.PositiveIntegerField(default=0)
    warned = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, help_text="[line, reason] of the first rejected rows")
    warnings = models.JSONField(default=list, help_text="[line, warning] of the first rows with warnings")
    failure = models.TextField(blank=True)
    queued_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["status", "lease_until"])]

    def __str__(self) -> str:
        return f"import {self.pk} of {self.file_name}: {self.status}"

    @property
    def percent(self) -> int:
        if self.status == ImportStatus.DONE:
            return 100
        if not self.rows_total:
            return 0
        return min(99, self.rows_read * 100 // self.rows_total)

    @property
    def finished(self) -> bool:
        return self.status in (ImportStatus.DONE, ImportStatus.FAILED)
