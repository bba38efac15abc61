"""A person's record says whether they are qualified in S&T (isSciTech, DOMAIN §8), audited."""

from __future__ import annotations

from tests.schema.test_audit import Officials, officials, trail

__all__ = ["officials"]  # the fixture, shared with the audit tests

CREATE = """
mutation ($input: CreatePersonInput!) {
  createPerson(input: $input) {
    __typename ... on PersonPayload { person { id version isSciTech } }
  }
}
"""
UPDATE = """
mutation ($input: UpdatePersonInput!) {
  updatePerson(input: $input) {
    __typename ... on PersonPayload { person { version isSciTech } }
  }
}
"""


async def _create(officials: Officials, national_id: str, **more: object) -> dict[str, object]:
    answer = await officials.clerk.data(
        CREATE,
        {
            "input": {
                "nationalId": national_id,
                "fullName": "Trần Văn Khoa",
                "sex": "MALE",
                "birthYear": 1986,
                "unit": officials.commune,
                **more,
            }
        },
    )
    return dict(answer["createPerson"]["person"])


async def test_a_record_says_sci_tech_and_the_trail_shows_the_change(
    officials: Officials,
) -> None:
    plain = await _create(officials, "022080009101")
    qualified = await _create(officials, "022080009102", isSciTech=True)
    unqualified = await officials.clerk.data(
        UPDATE, {"input": {"person": qualified["id"], "version": 1, "isSciTech": False}}
    )
    # null is "not recorded as S&T", as a new record without it.
    cleared = await officials.clerk.data(
        UPDATE, {"input": {"person": plain["id"], "version": 1, "isSciTech": None}}
    )

    assert plain["isSciTech"] is False
    assert qualified["isSciTech"] is True
    assert unqualified["updatePerson"] == {
        "__typename": "PersonPayload",
        "person": {"version": 2, "isSciTech": False},
    }
    assert cleared["updatePerson"]["person"]["isSciTech"] is False
    events = (await trail(officials.admin, officials.province))["edges"]
    [created] = [
        e["node"]
        for e in events
        if e["node"]["action"] == "create_person" and e["node"]["subject"] == qualified["id"]
    ]
    [updated] = [
        e["node"]
        for e in events
        if e["node"]["action"] == "update_person" and e["node"]["subject"] == qualified["id"]
    ]
    assert created["after"]["is_sci_tech"] is True
    assert updated["before"] == {"is_sci_tech": True, "version": 1}
    assert updated["after"] == {"is_sci_tech": False, "version": 2}
