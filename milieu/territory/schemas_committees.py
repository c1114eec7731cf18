"""Schemas of the committees API. Inputs are plain: the services check the values and answer a
refusal with the fields to correct (400, code `validation`), as the pages do."""

from datetime import datetime

from ninja import Field, Schema


class MunicipalityRef(Schema):
    slug: str
    name: str


class SeatOut(Schema):
    id: int
    municipality: MunicipalityRef
    delegate: str = Field(..., description="The delegate's display name.")
    since: datetime
    until: datetime | None


class CommitteeOut(Schema):
    region: str
    slug: str
    name: str
    purpose: str
    language: str
    created_at: datetime
    seats: list[SeatOut] = Field(..., description="The open seats, by municipality.")


class CommitteeIn(Schema):
    name: str = ""
    slug: str = ""
    purpose: str = ""
    language: str = "fr"


class SeatIn(Schema):
    municipality: str = Field(..., description="The slug of a member municipality.")
    delegate: int = Field(..., description="The id of a staff member or administrator of it.")


class MotionIn(Schema):
    title: str = ""
    text: str = ""
    language: str = "fr"


class MotionOut(Schema):
    number: int
    title: str
    text: str
    language: str
    status: str = Field(..., description="open, adopted, rejected, tied or withdrawn.")
    round: str = Field(..., description="The current (or last) round: equal or weighted.")
    proposed_by: str = Field(..., description="The proposer's display name.")
    proposed_by_municipality: MunicipalityRef
    created_at: datetime
    closed_at: datetime | None


class MotionPageOut(Schema):
    items: list[MotionOut]
    next_page: int | None


class VoteRowOut(Schema):
    municipality: MunicipalityRef
    choice: str | None = Field(..., description="yes, no or abstain; null while the round is open.")
    population: int = Field(..., description="The municipality's population when it voted.")
    share: float = Field(..., description="Its share of the weighted votes cast, in percent.")
    cast_by: str


class RoundOut(Schema):
    kind: str = Field(..., description="equal or weighted.")
    opened_at: datetime
    closed_at: datetime | None
    is_open: bool
    outcome: str = Field(..., description="adopted, rejected or tied once closed, else empty.")
    contested: bool
    yes: int
    no: int
    abstain: int
    population_yes: int
    population_no: int
    population_abstain: int
    called_by_municipality: MunicipalityRef | None
    reason: str
    votes: list[VoteRowOut]
    waiting: list[MunicipalityRef] = Field(..., description="Seated, not voted (open round).")


class MotionDetailOut(MotionOut):
    rounds: list[RoundOut]


class VoteIn(Schema):
    choice: str = Field(..., description="yes, no or abstain.")


class VoteOut(Schema):
    municipality: MunicipalityRef
    round: str
    choice: str
    population: int
    cast_at: datetime


class WeightedIn(Schema):
    reason: str = ""
