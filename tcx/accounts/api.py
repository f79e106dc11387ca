"""Account endpoints: the caller, their agency's users (agency admin) and API tokens."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Schema, Status
from ninja.pagination import paginate
from pydantic import EmailStr, Field

from tcx.accounts import selectors, services
from tcx.accounts.models import Role, User
from tcx.api.pagination import LimitOffsetPagination
from tcx.api.problems import ApiProblem
from tcx.api.routing import ApiRouter
from tcx.api.schemas import StrictInput
from tcx.kernel.pages import actor_of
from tcx.organisations import selectors as org_selectors
from tcx.policy.actors import user_of
from tcx.policy.capabilities import Capability, has_capability

router = ApiRouter(tags=["accounts"])


class OrganisationRef(Schema):
    id: int
    name: str
    kind: str
    country: str | None

    @staticmethod
    def resolve_country(obj: Any) -> str | None:
        return obj.country.code if obj.country else None


class MeOut(Schema):
    id: int
    username: str
    first_name: str
    last_name: str
    email: str
    role: str
    organisation: OrganisationRef
    sharing_groups: list[str]
    mfa_enrolled: bool
    auth: str


class UserOut(Schema):
    id: int
    username: str
    first_name: str
    last_name: str
    email: str
    job_title: str
    role: str
    is_active: bool
    organisation_id: int
    last_login: dt.datetime | None


class UserIn(StrictInput):
    username: str = Field(max_length=150)
    password: str
    role: Role
    first_name: str = Field("", max_length=150)
    last_name: str = Field("", max_length=150)
    email: EmailStr | None = None
    job_title: str = Field("", max_length=120)


class UserPatch(StrictInput):
    role: Role | None = None
    first_name: str | None = Field(None, max_length=150)
    last_name: str | None = Field(None, max_length=150)
    email: EmailStr | None = None
    job_title: str | None = Field(None, max_length=120)
    is_active: bool | None = None


class TokenOut(Schema):
    id: int
    name: str
    prefix: str
    scope: str
    username: str
    created_at: dt.datetime
    expires_at: dt.datetime
    revoked_at: dt.datetime | None
    last_used_at: dt.datetime | None
    status: str

    @staticmethod
    def resolve_username(obj: Any) -> str:
        return str(obj.user.username)


class TokenIn(StrictInput):
    name: str = Field(max_length=100)
    scope: str = "read"
    expires_in_days: int | None = None


class TokenCreatedOut(TokenOut):
    token: str


def _admin(request: HttpRequest) -> User:
    user = user_of(actor_of(request))
    if not has_capability(user, Capability.ADMINISTER_AGENCY):
        raise ApiProblem(403, "only an agency admin manages users")
    return user


@router.get("/me", response=MeOut, summary="Who the caller is")
def me(request: HttpRequest) -> Any:
    user = user_of(actor_of(request))
    group_ids = org_selectors.sharing_group_ids_for(organisation=user.organisation)
    return {
        "id": user.pk,
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "role": user.role,
        "organisation": user.organisation,
        "sharing_groups": [g.slug for g in org_selectors.sharing_group_list().filter(pk__in=group_ids)],
        "mfa_enrolled": selectors.has_confirmed_mfa(user=user),
        "auth": "token" if getattr(request, "tcx_token", None) else "session",
    }


@router.get("/users", response=list[UserOut], summary="Your agency's people (agency admin)")
@paginate(LimitOffsetPagination)
def list_users(request: HttpRequest) -> Any:
    return selectors.user_list(fetched_by=_admin(request))


@router.post("/users", response={201: UserOut}, summary="Add a person to your agency (agency admin)")
def create_user(request: HttpRequest, payload: UserIn) -> Any:
    actor = _admin(request)
    data = payload.dict()
    data["email"] = data["email"] or ""
    user = services.user_create(actor=actor, organisation=actor.organisation, request=request, **data)
    return Status(201, user)


@router.get("/users/{user_id}", response=UserOut)
def get_user(request: HttpRequest, user_id: int) -> Any:
    return selectors.access_user(actor=_admin(request), user_id=user_id)


@router.patch("/users/{user_id}", response=UserOut)
def update_user(request: HttpRequest, user_id: int, payload: UserPatch) -> Any:
    actor = _admin(request)
    user = selectors.access_user(actor=actor, user_id=user_id)
    return services.user_update(actor=actor, user=user, data=payload.dict(exclude_none=True), request=request)


@router.post("/users/{user_id}/reset-mfa", response={204: None})
def reset_user_mfa(request: HttpRequest, user_id: int) -> Any:
    actor = _admin(request)
    services.mfa_reset(actor=actor, user=selectors.access_user(actor=actor, user_id=user_id), request=request)
    return Status(204, None)


class EnrolmentCodeOut(Schema):
    username: str
    code: str
    expires_at: dt.datetime


@router.post(
    "/users/{user_id}/enrolment-code",
    response={201: EnrolmentCodeOut},
    summary="Issue a person's one-time MFA enrolment code (shown once; agency admin)",
)
def issue_enrolment_code(request: HttpRequest, user_id: int) -> Any:
    actor = _admin(request)
    user = selectors.access_user(actor=actor, user_id=user_id)
    enrolment, code = services.mfa_enrolment_code_issue(actor=actor, user=user, request=request)
    return Status(201, {"username": user.username, "code": code, "expires_at": enrolment.expires_at})


@router.get("/tokens", response=list[TokenOut], summary="Your API tokens (an agency admin: the agency's)")
@paginate(LimitOffsetPagination)
def list_tokens(request: HttpRequest) -> Any:
    return selectors.token_list(actor=user_of(actor_of(request)))


@router.post("/tokens", response={201: TokenCreatedOut}, summary="Create a token; its secret is shown once")
def create_token(request: HttpRequest, payload: TokenIn) -> Any:
    token, secret = services.token_create(actor=user_of(actor_of(request)), request=request, **payload.dict())
    token.token = secret  # type: ignore[attr-defined]
    return Status(201, token)


@router.delete("/tokens/{token_id}", response=TokenOut, summary="Revoke a token")
def revoke_token(request: HttpRequest, token_id: int) -> Any:
    actor = user_of(actor_of(request))
    token = selectors.access_token(actor=actor, token_id=token_id)
    return services.token_revoke(actor=actor, token=token, request=request)
