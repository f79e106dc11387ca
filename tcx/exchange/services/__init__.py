"""Writes on exchanges: send, read (receipts), acknowledge, assign, answer/reply, close, forward
(with the provider's permission under H2), reminders and escalation.

Every write is one transaction with its audit event. A message is stored whole with all its
attachments or not at all: files written before a failure are removed. ``_base`` holds errors,
deadlines, reference numbers, routing and participants; ``sending`` sends and replies;
``handling`` is what recipients and the clock do with a thread.
"""

from tcx.exchange.services._base import ExchangeError, Upload, deadline_for, next_reference
from tcx.exchange.services.handling import (
    exchange_acknowledge,
    exchange_assign,
    exchange_close,
    exchange_forward,
    exchange_mark_read,
    exchange_remind,
    forward_decide,
)
from tcx.exchange.services.sending import exchange_send, message_reply

__all__ = [
    "ExchangeError",
    "Upload",
    "deadline_for",
    "exchange_acknowledge",
    "exchange_assign",
    "exchange_close",
    "exchange_forward",
    "exchange_mark_read",
    "exchange_remind",
    "exchange_send",
    "forward_decide",
    "message_reply",
    "next_reference",
]
