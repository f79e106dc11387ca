"""Exchange pages: inbox/outbox with filters and search, compose, the thread (audited, read
receipts), reply, acknowledge, assign, close, forward and forward decisions, attachments,
notifications, service measures. HTMX requests get partials with the same access checks."""

from __future__ import annotations

import dataclasses
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import get_template
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from tcx.audit import services as audit
from tcx.audit.registry import AuditAction
from tcx.exchange import downloads, selectors, services, storage
from tcx.exchange.forms import AssignForm, ComposeForm, DecisionForm, FilterForm, ForwardForm, ReplyForm
from tcx.exchange.models import Exchange, ExchangeStatus
from tcx.kernel.errors import FieldErrors
from tcx.kernel.forms import add_field_errors
from tcx.kernel.pages import actor_of, page
from tcx.policy.actors import Actor
from tcx.policy.capabilities import Capability

PAGE_SIZE = 100


@dataclasses.dataclass
class InboxRow:
    """One row of the inbox, with what its template would otherwise compute row by row."""

    exchange: Exchange
    url: str
    overdue: bool
    deadline: str
    badges: str


def _inbox_rows(exchanges: list[Exchange], zone: Any) -> list[InboxRow]:
    """The rows of a list page, prepared in one pass: one URL reversed, one clock reading, and
    the shared policy badges rendered once per distinct policy (a page repeats a few)."""
    now = timezone.now()
    thread_url = reverse("exchange:thread", kwargs={"exchange_id": 0}).removesuffix("0/")
    badges_template = get_template("web/partials/policy_badges.html")
    badges: dict[tuple[Any, ...], str] = {}
    rows = []
    for e in exchanges:
        key = (e.tlp, tuple(e.handling_codes or []), e.handling_h3_text, e.evaluation)
        if key not in badges:
            badges[key] = mark_safe(badges_template.render({"obj": e}))  # noqa: S308 - rendered (escaped) template output
        rows.append(
            InboxRow(
                exchange=e,
                url=f"{thread_url}{e.pk}/",
                overdue=e.answered_at is None and e.status != ExchangeStatus.CLOSED and e.deadline_at < now,
                deadline=e.deadline_at.astimezone(zone).strftime("%Y-%m-%d %H:%M"),
                badges=badges[key],
            )
        )
    return rows


def _without_page(request: HttpRequest) -> str:
    """The list's filters as a query string (``&``-terminated) for its page links."""
    query = request.GET.copy()
    query.pop("page", None)
    encoded = query.urlencode()
    return f"{encoded}&" if encoded else ""


@page(capability=Capability.SEE_OPERATIONAL)
def inbox_view(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    form = FilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    filters = selectors.ExchangeFilters(
        box=data.get("box") or "inbox",
        priority=data.get("priority") or "",
        overdue=bool(data.get("overdue")),
        crime_area=data.get("crime_area") or "",
        country=data.get("country") or "",
        assigned_to_me=bool(data.get("assigned_to_me")),
        status=data.get("status") or "",
        q=(data.get("q") or "").strip(),
    )
    if filters.q:
        audit.record(
            actor=actor, action=AuditAction.EXCHANGE_SEARCHED, request=request, data={"q": filters.q}
        )
    page = Paginator(selectors.exchange_list(actor=actor, filters=filters), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    zone = selectors.time_zone_of(actor.organisation)
    context = {
        "rows": _inbox_rows(list(page), zone),
        "page": page,
        "query": _without_page(request),
        "form": form,
        "box": filters.box,
        "zone": zone,
    }
    if request.headers.get("HX-Request"):
        return render(request, "exchange/partials/rows.html", context)
    counts = selectors.waiting_counts(actor=actor)
    context["counts"] = counts
    context["count_labels"] = {key: selectors.count_label(value) for key, value in counts.items()}
    return render(request, "exchange/inbox.html", context)


@require_http_methods(["GET", "POST"])
@page(capability=Capability.SEE_OPERATIONAL)
def compose_view(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    form = ComposeForm(request.POST or None, request.FILES or None, own_organisation_id=actor.organisation_id)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            exchange = services.exchange_send(
                actor=actor,
                subject=data["subject"],
                body=data["body"],
                recipients=[int(x) for x in data["recipients"]],
                copy_recipients=[int(x) for x in data["copy_recipients"]],
                units=form.unit_map(),
                linked_record_ids=data["linked_record_ids"],
                priority=data["priority"],
                crime_areas=list(data["crime_areas"]),
                policy=form.policy(),
                attachments=form.uploads(),
                request=request,
            )
        except FieldErrors as exc:
            add_field_errors(form, exc)
        else:
            messages.success(request, f"Sent {exchange.reference}.")
            return redirect("exchange:thread", exchange_id=exchange.pk)
    return render(request, "exchange/compose.html", {"form": form})


def _reply_organisations(actor: Actor, exchange: Exchange) -> list[Any]:
    """The organisations of the thread a reply may go to (all but the actor's own)."""
    organisations = [exchange.owner] + [
        p.organisation for p in selectors.participants_of(actor=actor, exchange=exchange)
    ]
    return [o for o in organisations if o.pk != actor.organisation_id]


def _thread_context(request: HttpRequest, actor: Actor, exchange: Exchange) -> dict[str, Any]:
    participation = selectors.my_participation(actor=actor, exchange=exchange)
    is_sender = exchange.owner_id == actor.organisation_id
    is_open = exchange.status != ExchangeStatus.CLOSED
    return {
        "exchange": exchange,
        "messages_": selectors.thread_messages(actor=actor, exchange=exchange),
        "participants": selectors.participants_of(actor=actor, exchange=exchange),
        "participation": participation,
        "is_sender": is_sender,
        "zone": selectors.time_zone_of(actor.organisation),
        "deadline_local": selectors.local_time(exchange.deadline_at, organisation=actor.organisation),
        "can_acknowledge": participation is not None and participation.acknowledged_at is None and is_open,
        "can_assign": participation is not None and is_open,
        "can_close": (is_sender or participation is not None) and is_open,
        "can_reply": is_open,
        "reply_form": ReplyForm(organisations=_reply_organisations(actor, exchange)),
        "assign_form": AssignForm(
            initial={"assignee": participation.assigned_to_id if participation else None},
            colleagues=selectors.colleagues(organisation_id=actor.organisation_id),
        ),
        "forward_form": ForwardForm(),
        "forwards": selectors.forwards_of(actor=actor, exchange=exchange),
        "linked_records": selectors.linked_records(actor=actor, exchange=exchange),
    }


@page(capability=Capability.SEE_OPERATIONAL)
def thread_view(request: HttpRequest, exchange_id: int) -> HttpResponse:
    actor = actor_of(request)
    exchange = selectors.access_exchange(actor=actor, exchange_id=exchange_id)
    messages_ = selectors.thread_messages(actor=actor, exchange=exchange)
    records = selectors.linked_records(actor=actor, exchange=exchange)
    services.exchange_mark_read(
        actor=actor, exchange=exchange, messages=messages_, records=records, request=request
    )
    exchange.refresh_from_db()
    return render(request, "exchange/thread.html", _thread_context(request, actor, exchange))


@require_POST
@page(capability=Capability.SEE_OPERATIONAL)
def reply_view(request: HttpRequest, exchange_id: int) -> HttpResponse:
    actor = actor_of(request)
    exchange = selectors.access_exchange(actor=actor, exchange_id=exchange_id)
    form = ReplyForm(request.POST, request.FILES, organisations=_reply_organisations(actor, exchange))
    if form.is_valid():
        try:
            services.message_reply(
                actor=actor,
                exchange=exchange,
                body=form.cleaned_data["body"],
                policy=form.policy(),
                attachments=form.uploads(),
                request=request,
            )
        except FieldErrors as exc:
            add_field_errors(form, exc)
        else:
            messages.success(request, "Reply sent.")
            return redirect("exchange:thread", exchange_id=exchange.pk)
    context = _thread_context(request, actor, exchange)
    context["reply_form"] = form
    return render(request, "exchange/thread.html", context, status=422)


def _action(request: HttpRequest, exchange_id: int, verb: Any, done: str, **kwargs: Any) -> HttpResponse:
    actor = actor_of(request)
    exchange = selectors.access_exchange(actor=actor, exchange_id=exchange_id)
    try:
        verb(actor=actor, exchange=exchange, request=request, **kwargs)
    except services.ExchangeError as exc:
        messages.error(request, "; ".join(exc.errors.values()))
    else:
        messages.success(request, done)
    return redirect("exchange:thread", exchange_id=exchange.pk)


@require_POST
@page(capability=Capability.SEE_OPERATIONAL)
def acknowledge_view(request: HttpRequest, exchange_id: int) -> HttpResponse:
    return _action(request, exchange_id, services.exchange_acknowledge, "Acknowledged.")


@require_POST
@page(capability=Capability.SEE_OPERATIONAL)
def assign_view(request: HttpRequest, exchange_id: int) -> HttpResponse:
    actor = actor_of(request)
    form = AssignForm(request.POST, colleagues=selectors.colleagues(organisation_id=actor.organisation_id))
    if not form.is_valid():
        selectors.access_exchange(actor=actor, exchange_id=exchange_id)
        messages.error(request, "Choose a colleague of your agency.")
        return redirect("exchange:thread", exchange_id=exchange_id)
    return _action(
        request,
        exchange_id,
        services.exchange_assign,
        "Assignment saved.",
        assignee_id=form.cleaned_data["assignee"],
    )


@require_POST
@page(capability=Capability.SEE_OPERATIONAL)
def close_view(request: HttpRequest, exchange_id: int) -> HttpResponse:
    return _action(request, exchange_id, services.exchange_close, "Closed.")


@require_POST
@page(capability=Capability.SEE_OPERATIONAL)
def forward_view(request: HttpRequest, exchange_id: int) -> HttpResponse:
    actor = actor_of(request)
    exchange = selectors.access_exchange(actor=actor, exchange_id=exchange_id)
    form = ForwardForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose the agency to forward to.")
        return redirect("exchange:thread", exchange_id=exchange.pk)
    try:
        forward = services.exchange_forward(
            actor=actor,
            exchange=exchange,
            organisation_id=form.cleaned_data["organisation"],
            reason=form.cleaned_data["reason"],
            request=request,
        )
    except services.ExchangeError as exc:
        messages.error(request, "; ".join(exc.errors.values()))
    else:
        if forward.status == "approved":
            messages.success(request, _("Forwarded to %(name)s.") % {"name": forward.organisation.name})
        else:
            messages.success(
                request,
                _(
                    "The handling codes need their providers' permission: your forward request was sent "
                    "to %(names)s. Each decides for its own messages; until then they stay unseen by %(to)s."
                )
                % {
                    "names": ", ".join(selectors.forward_waiting_for(forward=forward)),
                    "to": forward.organisation.name,
                },
            )
    return redirect("exchange:thread", exchange_id=exchange.pk)


@page(capability=Capability.SEE_OPERATIONAL)
def attachment_view(request: HttpRequest, attachment_id: int) -> HttpResponse:
    actor = actor_of(request)
    attachment = selectors.access_attachment(actor=actor, attachment_id=attachment_id)
    try:
        return downloads.attachment_response(request, attachment)
    except storage.AttachmentError as exc:  # a file that cannot be read is one that is not there
        raise Http404(str(exc)) from exc


@page(capability=Capability.EDIT_OPERATIONAL)
def forward_list_view(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    return render(
        request,
        "exchange/forwards.html",
        {
            "forwards": [
                (f, selectors.forward_parts_waiting(actor=actor, forward=f))
                for f in selectors.forward_requests_for_provider(actor=actor)[:200]
            ],
            "form": DecisionForm(),
        },
    )


@require_POST
@page(capability=Capability.SEE_OPERATIONAL)
def forward_decision_view(request: HttpRequest, forward_id: int) -> HttpResponse:
    actor = actor_of(request)
    forward = selectors.access_forward(actor=actor, forward_id=forward_id)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Approve or decline.")
        return redirect("exchange:forwards")
    try:
        services.forward_decide(
            actor=actor, forward=forward, approve=form.cleaned_data["decision"] == "approve", request=request
        )
    except services.ExchangeError as exc:
        messages.error(request, "; ".join(exc.errors.values()))
    else:
        messages.success(request, "Decision saved.")
    return redirect("exchange:forwards")


@page(capability=Capability.SEE_OPERATIONAL)
def nav_badge_view(request: HttpRequest) -> HttpResponse:
    """The Exchange entry's badge in the navigation of every page (HTMX, after the page loads):
    overdue requests to the agency (unread notifications have the platform's own badge)."""
    actor = actor_of(request)
    overdue = selectors.waiting_counts(actor=actor)["overdue"]
    return render(
        request,
        "exchange/partials/nav_badge.html",
        {
            "overdue": overdue,
            "overdue_label": selectors.count_label(overdue),
        },
    )


@page(capability=Capability.SEE_OPERATIONAL)
def measures_view(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    measure = selectors.service_measures(actor=actor)
    if measure is None:
        raise Http404("not found")
    return render(request, "exchange/measures.html", {"measure": measure})
