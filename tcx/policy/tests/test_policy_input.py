"""One sharing-policy input (issue 13 item 9): the pages' fields and the API's schema are the
fields of ``Policy``, so a field added to the policy cannot be forgotten by one of them, and the
forms that share something (record, import, exchange) take them from the one definition."""

from __future__ import annotations

import dataclasses
import datetime as dt

from tcx.api.schemas import PolicyIn, PolicyTextsIn
from tcx.exchange.forms import ComposeForm, ReplyForm
from tcx.organisations import selectors as org_selectors
from tcx.policy.forms import AUDIENCE_FIELDS, PolicyFields
from tcx.policy.rules import Policy
from tcx.records.forms import ImportForm, RecordForm

POLICY = {f.name for f in dataclasses.fields(Policy)}


def test_form_fields_and_api_schema_are_the_policy_fields() -> None:
    assert set(PolicyFields.base_fields) == POLICY
    assert set(PolicyIn.model_fields) == POLICY
    assert set(PolicyTextsIn.model_fields) == POLICY - set(AUDIENCE_FIELDS)


def test_every_form_that_shares_takes_the_policy_fields(world) -> None:
    for form in (RecordForm(), ImportForm()):
        assert set(form.fields) >= POLICY
    for form in (ComposeForm(), ReplyForm()):
        assert POLICY - set(AUDIENCE_FIELDS) <= set(form.fields)
        assert not set(AUDIENCE_FIELDS) & set(form.fields)  # an exchange's audience: its recipients


def test_a_form_gives_the_policy_it_was_filled_with(world) -> None:
    group = org_selectors.sharing_group_list().first()
    assert group is not None
    data = {
        "tlp": "AMBER",
        "audience_organisations": [str(world.agency_c.pk)],
        "audience_groups": [str(group.pk)],
        "handling_codes": ["H1"],
        "handling_h3_text": "",
        "evaluation_source": "B",
        "evaluation_information": "2",
        "legal_basis": "MLAT 2004",
        "review_date": "2031-01-31",
    }
    form = PolicyFields(data)
    assert form.is_valid(), form.errors
    assert form.policy() == Policy(
        audience_organisations=[world.agency_c.pk],
        audience_groups=[group.pk],
        tlp="AMBER",
        handling_codes=["H1"],
        evaluation_source="B",
        evaluation_information="2",
        legal_basis="MLAT 2004",
        review_date=dt.date(2031, 1, 31),
    )
    body = PolicyIn.model_validate({k: v for k, v in data.items() if k not in AUDIENCE_FIELDS})
    assert Policy(**body.model_dump()) == dataclasses.replace(
        form.policy(), audience_organisations=[], audience_groups=[]
    )
