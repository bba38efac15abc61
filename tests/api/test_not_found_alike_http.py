"""Over HTTP, an admin naming an account of another province is told what an unknown id gets
(issue 13: `resetPassword`/`deactivateUser` answered NotAllowed, telling the account exists)."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from planning.access import Role
from schema.access.services import AccessServices
from schema.node import to_global_id
from tests.conftest import log_in
from tests.factories import PASSWORD, make_user

MUTATIONS = {
    "resetPassword": "ResetPasswordInput",
    "deactivateUser": "DeactivateUserInput",
}
EXTRA = {
    "resetPassword": {"newPassword": "một mật khẩu mới đủ dài"},
    "deactivateUser": {"reason": "x"},
}


def document(name: str) -> str:
    return (
        f"mutation ($input: {MUTATIONS[name]}!) {{ {name}(input: $input) {{ __typename"
        " ... on NotFound { id message } ... on NotAllowed { code message } } }"
    )


@pytest.mark.parametrize("name", sorted(MUTATIONS))
async def test_an_account_of_another_province_is_answered_like_an_unknown_one(
    name: str, anonymous: httpx.AsyncClient, session: AsyncSession, access: AccessServices
) -> None:
    await make_user(session, access, "admin.07132", unit_code="07132", roles=[Role.ADMIN])
    elsewhere, _ = await make_user(session, access, "clerk.00004", unit_code="00004")
    await session.commit()
    tokens = await log_in(anonymous, "admin.07132", PASSWORD)
    headers = {"authorization": f"Bearer {tokens['accessToken']}"}

    answers = {}
    for which, user in (("elsewhere", elsewhere.id), ("unknown", 2**62)):
        given = {"user": to_global_id("User", user), **EXTRA[name]}
        response = await anonymous.post(
            "/graphql",
            json={"query": document(name), "variables": {"input": given}},
            headers=headers,
        )
        assert response.status_code == 200
        answer = response.json()["data"][name]
        answers[which] = {**answer, "id": "<the id asked for>"} if "id" in answer else answer

    assert answers["elsewhere"] == answers["unknown"]
    assert answers["unknown"]["__typename"] == "NotFound"
