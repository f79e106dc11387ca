"""Authorization matrix of the notification centre: everyone signed in has their own; the one
notification of the world is agency A's officer's, so marking it is "not found" for anybody else."""

from __future__ import annotations

from typing import Any

from tcx.testing import PERSONAS, Case, World

NOT_MINE = {p: 404 for p in PERSONAS if p not in ("anonymous", "a_officer")}


def _setup(world: World) -> None:
    if "notification" in world.extra:
        return
    from tcx.notifications import registry, services

    if "testing.routine" not in {k.code for k in registry.kinds()}:
        registry.register_kind("testing.routine", "Something routine")
    made = services.notify(
        recipients=[world.users["a_officer"]],
        kind="testing.routine",
        title="Something happened",
        target_type="testing.thing",
        target_id=1,
    )
    world.extra["notification"] = made[0].pk


def _everyone(world: World) -> None:
    """A notification for every signed-in persona (so that "mark all read" changes something)."""
    _setup(world)
    if "everyone" in world.extra:
        return
    from tcx.notifications import registry, services

    if "testing.everyone" not in {k.code for k in registry.kinds()}:
        registry.register_kind("testing.everyone", "Something for everyone", operational=False)
    services.notify(
        recipients=list(world.users.values()),
        kind="testing.everyone",
        title="Something else happened",
        target_type="testing.thing",
        target_id=2,
    )
    world.extra["everyone"] = True


def _mine(world: World) -> dict[str, Any]:
    _setup(world)
    return {"notification_id": world.extra["notification"]}


CASES = [
    Case("notifications:list", setup=_setup),
    Case("notifications:badge", setup=_setup),
    Case("notifications:preferences"),
    Case(
        "notifications:preferences",
        method="POST",
        effect="notifications.Preference",
        body=lambda w: {"email": "none"},
        default=302,
    ),
    Case(
        "notifications:read",
        method="POST",
        effect="notifications.Notification",
        kwargs=_mine,
        default=302,
        expect=NOT_MINE,
    ),
    Case(
        "notifications:read_all",
        method="POST",
        effect="notifications.Notification",
        setup=_everyone,
        default=302,
    ),
    Case("api:notifications_list", setup=_setup),
    Case("api:notifications_unread_count", setup=_setup),
    Case(
        "api:notification_mark_read",
        method="POST",
        effect="notifications.Notification",
        kwargs=_mine,
        expect={"anonymous": 401, **NOT_MINE},
    ),
    Case(
        "api:notifications_mark_all_read", method="POST", effect="notifications.Notification", setup=_everyone
    ),
]
