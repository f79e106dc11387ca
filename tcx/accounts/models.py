"""People, their roles, and API tokens for machine clients."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone

from tcx.organisations.models import Organisation


class Role(models.TextChoices):
    OFFICER = "officer", "Officer / liaison officer"
    ANALYST = "analyst", "Analyst"
    SUPERVISOR = "supervisor", "Supervisor"
    AGENCY_ADMIN = "agency_admin", "Agency administrator"
    SECRETARIAT_OFFICER = "secretariat_officer", "ASEAN Secretariat officer"
    PARTNER_LIAISON = "partner_liaison", "Dialogue-partner liaison"
    OPERATOR = "operator", "Platform operator"


class User(AbstractUser):
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="users")
    role = models.CharField(max_length=24, choices=Role.choices, default=Role.OFFICER)
    job_title = models.CharField(max_length=120, blank=True)

    REQUIRED_FIELDS = ["email", "organisation", "role"]

    class Meta:
        ordering = ["organisation__name", "username"]

    def __str__(self) -> str:
        return self.username

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.username


class TokenScope(models.TextChoices):
    READ = "read", "Read only"
    READ_WRITE = "read_write", "Read and write"


class ApiToken(models.Model):
    """A bearer token for a machine client. Only its SHA-256 is stored; the secret is shown once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=12, unique=True)
    token_hash = models.CharField(max_length=64, unique=True)
    scope = models.CharField(max_length=12, choices=TokenScope.choices, default=TokenScope.READ)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix})"

    def is_active(self, now: dt.datetime | None = None) -> bool:
        now = now or timezone.now()
        return self.revoked_at is None and self.expires_at > now and self.user.is_active

    @property
    def status(self) -> str:
        if self.revoked_at:
            return "revoked"
        if self.expires_at <= timezone.now():
            return "expired"
        return "active"


class MfaEnrolmentCode(models.Model):
    """A one-time code an agency admin gives a person so they may enrol an authenticator.

    Without it, whoever first signs in with the password would enrol (trust on first use). Only
    the code's SHA-256 is stored; the code is shown once to the admin who issued it."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="mfa_enrolment_codes")
    code_hash = models.CharField(max_length=64, unique=True)
    issued_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", help_text="None: the CLI"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"enrolment code for {self.user_id}"

    def is_usable(self, now: dt.datetime | None = None) -> bool:
        return self.used_at is None and self.expires_at > (now or timezone.now())


class AuthFailureScope(models.TextChoices):
    ADDRESS = "address", "client address"
    ACCOUNT = "account", "account"


class AuthFailureWindow(models.Model):
    """How many authentications failed for one client address or one account in one time window.

    The bounded store behind throttling and the audit of failure patterns: one row per key and
    window (old windows are purged), so a flood of bogus requests updates a counter instead of
    writing one permanent audit event each. A database table, so that every gunicorn worker
    counts in the same place."""

    scope = models.CharField(max_length=8, choices=AuthFailureScope.choices)
    kind = models.CharField(max_length=16, help_text="password, token, enrolment_code, locked")
    key = models.CharField(max_length=150)
    window_start = models.DateTimeField()
    failures = models.PositiveIntegerField(default=0)
    # The highest threshold already audited in this window (0: none yet).
    audited_at_count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["scope", "kind", "key", "window_start"], name="auth_failure_window_unique"
            )
        ]
        indexes = [models.Index(fields=["window_start"], name="auth_failure_window_start")]

    def __str__(self) -> str:
        return f"{self.kind} {self.scope} {self.key}: {self.failures} since {self.window_start:%H:%M}"
