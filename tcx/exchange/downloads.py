"""The download of an attachment, shared by the page and the API."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from django.http import HttpRequest, HttpResponse

from tcx.audit import services as audit
from tcx.audit.registry import AuditAction
from tcx.exchange import storage


def attachment_response(request: HttpRequest, attachment: Any) -> HttpResponse:
    """The decrypted file as a download (never rendered inline), its read audited."""
    data = storage.read(attachment.storage_name, attachment.key_id)
    audit.record(
        actor=request.user,
        action=AuditAction.EXCHANGE_ATTACHMENT_READ,
        target=attachment.message,
        request=request,
        data={"attachment": attachment.pk, "sha256": attachment.sha256},
    )
    response = HttpResponse(data, content_type=attachment.content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(attachment.name)}"
    response["X-Content-Type-Options"] = "nosniff"
    response["X-Content-SHA256"] = attachment.sha256
    return response
