"""A refusal tells an official why, in Vietnamese (or English when asked), not in policy words:
the generic "may not" names the action and the resource in Vietnamese, and the particular
refusals of the grant rules say their own reason."""

from __future__ import annotations

from tests.contract.client import Api
from tests.contract.desk import PROVINCE_CODE, Demo, Desk

GRANT = (
    "mutation ($input: GrantRoleInput!) { grantRole(input: $input) {"
    " __typename ... on NotAllowed { code message } } }"
)
ME = "{ viewer { user { id } } }"
SUBMIT = (
    "mutation ($input: PlanActionInput!) { submitPlan(input: $input) {"
    " __typename ... on NotAllowed { code message } } }"
)


async def test_an_admin_granting_itself_is_told_why(api: Api, demo: Demo) -> None:
    admin = await api.login(f"admin.{PROVINCE_CODE}")
    english = await api.login(f"admin.{PROVINCE_CODE}", language="en")
    me = (await admin.data(ME))["viewer"]["user"]["id"]
    grant = {"user": me, "role": "VIEWER", "unit": demo.province}

    refused = (await admin.data(GRANT, {"input": grant}))["grantRole"]
    in_english = (await english.data(GRANT, {"input": grant}))["grantRole"]

    assert refused == {
        "__typename": "NotAllowed",
        "code": "SELF_GRANT",
        "message": "Không ai được tự cấp hoặc thu hồi quyền của chính mình; hãy đề nghị một "
        "quản trị viên khác.",
    }
    assert in_english["message"] == (
        "Nobody may grant or revoke their own roles; ask another administrator."
    )


async def test_a_clerk_submitting_reads_the_refusal_in_vietnamese(desk: Desk) -> None:
    await desk.create()
    clerk = desk.people["clerk"]

    refused = (
        await clerk.data(
            SUBMIT, {"input": {"plan": desk.plan["id"], "version": desk.plan["version"]}}
        )
    )["submitPlan"]

    assert refused == {
        "__typename": "NotAllowed",
        "code": "NOT_ALLOWED",
        "message": "Bạn không có quyền trình danh sách quy hoạch ở đơn vị này.",
    }


async def test_a_mistyped_document_is_explained_in_the_callers_language(api: Api) -> None:
    document = "{ viewer { user { id fullname } } }"
    vietnamese = await (await api.login(f"viewer.{PROVINCE_CODE}")).answer(document)
    english = await (await api.login(f"viewer.{PROVINCE_CODE}", language="en")).answer(document)

    [vi] = vietnamese.errors
    [en] = english.errors
    assert (
        vi["message"] == "Câu truy vấn GraphQL không hợp lệ: kiểu `User` không có trường `fullname`"
    )
    assert en["message"] == "The GraphQL document is invalid: type `User` has no field `fullname`"
    assert vi["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    assert "Did you mean" not in str(vietnamese.errors) + str(english.errors)
