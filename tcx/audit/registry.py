"""The one registry of audit actions. An action not listed here cannot be recorded.

``SYSTEM`` actions are about the node and its accounts (the operator sees them); the others
touch operational data (the owning agency's supervisors see them).
"""

from __future__ import annotations

from django.db import models


class AuditAction(models.TextChoices):
    # Accounts and sessions
    LOGIN = "auth.login", "signed in"
    LOGIN_FAILED = "auth.login_failed", "failed to sign in"
    LOCKED_OUT = "auth.locked_out", "was locked out"
    LOGOUT = "auth.logout", "signed out"
    MFA_ENROLLED = "auth.mfa_enrolled", "enrolled an authenticator"
    MFA_FAILED = "auth.mfa_failed", "gave a wrong authenticator code"
    MFA_RESET = "auth.mfa_reset", "reset a user's authenticator"
    USER_CREATED = "user.created", "created a user"
    USER_UPDATED = "user.updated", "changed a user"
    TOKEN_CREATED = "token.created", "created an API token"
    TOKEN_REVOKED = "token.revoked", "revoked an API token"
    TOKEN_REFUSED = "token.refused", "presented an invalid API token"
    MFA_CODE_ISSUED = "auth.mfa_code_issued", "issued an authenticator enrolment code"
    LOGIN_THROTTLED = "auth.login_throttled", "was refused sign-in after many failures from one address"
    # Reference data
    REFERENCE_SEEDED = "reference.seeded", "seeded reference data"
    ORGANISATION_CREATED = "organisation.created", "created an organisation"
    ORGANISATION_UPDATED = "organisation.updated", "changed an organisation"
    REFERENCE_UPDATED = "reference.updated", "changed reference data"
    ORGANISATION_CHANGE_REQUESTED = "organisation.change_requested", "asked to change an organisation's kind"
    ORGANISATION_CHANGE_DECIDED = "organisation.change_decided", "decided on changing an organisation's kind"
    ORGANISATION_CHANGE_NOTIFIED = (
        "organisation.change_notified",
        "was told of a change that would let another organisation see its shared data",
    )
    # The audit log itself
    AUDIT_VIEWED = "audit.viewed", "read the audit log"
    AUDIT_VERIFIED = "audit.verified", "verified the audit chain"
    AUDIT_CHAIN_KEYED = "audit.chain_keyed", "began keying the audit chain"
    AUDIT_BACKUP_CREATED = "audit.backup_created", "made a backup of the node"
    AUDIT_PARTITIONS_ANCHORED = "audit.partitions_anchored", "recorded the heads of the audit partitions"
    # Operational data (records, messages, roadmap ... register theirs here)
    RECORD_CREATED = "record.created", "created a record"
    RECORD_VIEWED = "record.viewed", "read a record"
    RECORD_UPDATED = "record.updated", "changed a record"
    RECORD_ARCHIVED = "record.archived", "archived a record"
    RECORD_EXPORTED = "record.exported", "exported records"
    RECORD_SEARCHED = "record.searched", "searched records"
    RECORD_IMPORTED = "record.imported", "imported records"
    RECORD_IMPORT_QUEUED = "record.import_queued", "uploaded a file to import"
    MATCH_FOUND = "match.found", "found a match between records"
    MATCH_VIEWED = "match.viewed", "looked at a hit"
    MATCH_DECIDED = "match.decided", "confirmed or rejected a match"
    RELEASE_REQUESTED = "release.requested", "asked for the release of a record"
    RELEASE_DECIDED = "release.decided", "released or declined a record"
    # --- exchange (tcx/exchange): add its actions below this line ---
    EXCHANGE_SENT = "exchange.sent", "sent an exchange"
    EXCHANGE_READ = "exchange.read", "read an exchange"
    EXCHANGE_DELIVERED = "exchange.delivered", "received an exchange"
    EXCHANGE_ACKNOWLEDGED = "exchange.acknowledged", "acknowledged an exchange"
    EXCHANGE_ASSIGNED = "exchange.assigned", "assigned an exchange"
    EXCHANGE_REPLIED = "exchange.replied", "replied in an exchange"
    EXCHANGE_CLOSED = "exchange.closed", "closed an exchange"
    EXCHANGE_FORWARDED = "exchange.forwarded", "forwarded an exchange"
    EXCHANGE_FORWARD_REQUESTED = "exchange.forward_requested", "asked to forward an exchange"
    EXCHANGE_FORWARD_DECIDED = "exchange.forward_decided", "decided on forwarding an exchange"
    EXCHANGE_ATTACHMENT_READ = "exchange.attachment_read", "downloaded an attachment"
    EXCHANGE_SEARCHED = "exchange.searched", "searched exchanges"
    EXCHANGE_REMINDED = "exchange.reminded", "reminded of a deadline"
    EXCHANGE_ESCALATED = "exchange.escalated", "escalated an overdue exchange"
    # --- roadmap (tcx/roadmap): add its actions below this line ---
    ROADMAP_MEETING_SAVED = "roadmap.meeting_saved", "created or changed a meeting"
    ROADMAP_DOCUMENT_ADDED = "roadmap.document_added", "attached a meeting document"
    ROADMAP_DECISION_SAVED = "roadmap.decision_saved", "created or changed a decision"
    ROADMAP_PLAN_LOADED = "roadmap.plan_loaded", "loaded a plan of action"
    ROADMAP_LINE_SAVED = "roadmap.line_saved", "created or changed an action line"
    ROADMAP_PROGRESS_RECORDED = "roadmap.progress_recorded", "recorded progress on an action line"
    ROADMAP_REMINDER_SENT = "roadmap.reminder_sent", "sent a due-date reminder"
    ROADMAP_REPORT_EXPORTED = "roadmap.report_exported", "exported a progress report"
    ROADMAP_PROGRAMME_SAVED = "roadmap.programme_saved", "created or changed a programme"
    ROADMAP_NOMINATION_MADE = "roadmap.nomination_made", "nominated an officer for a programme"
    ROADMAP_NOMINATION_DECIDED = "roadmap.nomination_decided", "decided or recorded a nomination"
    ROADMAP_NEED_POSTED = "roadmap.need_posted", "posted an equipment need"
    ROADMAP_OFFER_POSTED = "roadmap.offer_posted", "offered equipment"
    ROADMAP_OFFER_UPDATED = "roadmap.offer_updated", "matched or tracked an equipment offer"
    # --- notifications (tcx/notifications): add its actions below this line ---
    NOTIFICATION_PREFERENCE_SET = "user.notification_preference", "changed their notification e-mails"
    # --- jobs (tcx/jobs): add its actions below this line ---
    JOB_RETRIED = "job.retried", "queued a failed background job again"


SYSTEM_ACTIONS = frozenset(
    a
    for a in AuditAction.values
    if a.split(".")[0] in {"auth", "user", "token", "reference", "organisation", "audit", "job"}
)
