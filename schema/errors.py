"""Errors a client can act on: a stable code and a message in Vietnamese and English.

Resolvers and extensions raise ``ClientError``; ``ErrorPresentation`` turns each error of a
result into the language the caller asked for and masks anything unexpected, so a bug never
leaks a traceback or a SQL fragment to a client.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from graphql import GraphQLError
from strawberry.extensions import SchemaExtension

logger = logging.getLogger("quyhoach.errors")


class Language(StrEnum):
    VI = "vi"
    EN = "en"

    @classmethod
    def from_accept_language(cls, header: str | None) -> Language:
        """Pick the first supported language of an Accept-Language header; Vietnamese by default."""
        for part in (header or "").split(","):
            tag = part.split(";")[0].strip().lower()
            for language in cls:
                if tag == language or tag.startswith(f"{language}-"):
                    return language
        return cls.VI


@dataclass(frozen=True, slots=True)
class Message:
    vi: str
    en: str

    def text(self, language: Language, **values: object) -> str:
        template = self.vi if language is Language.VI else self.en
        return template.format(**values)


MESSAGES: Mapping[str, Message] = {
    "INTERNAL_ERROR": Message(
        "Lỗi hệ thống không mong đợi; vui lòng thử lại hoặc báo quản trị viên "
        "(mã yêu cầu {request_id}).",
        "Unexpected server error; please retry or report it (request id {request_id}).",
    ),
    "GRAPHQL_PARSE_FAILED": Message(
        "Câu truy vấn GraphQL sai cú pháp: {detail}", "The GraphQL document is malformed: {detail}"
    ),
    "GRAPHQL_VALIDATION_FAILED": Message(
        "Câu truy vấn GraphQL không hợp lệ: {detail}", "The GraphQL document is invalid: {detail}"
    ),
    "QUERY_TOO_DEEP": Message(
        "Câu truy vấn lồng quá sâu ({depth} cấp, tối đa {limit}).",
        "The query is nested too deeply ({depth} levels, at most {limit}).",
    ),
    "TOO_MANY_ALIASES": Message(
        "Câu truy vấn có quá nhiều bí danh ({count}, tối đa {limit}).",
        "The query uses too many aliases ({count}, at most {limit}).",
    ),
    "QUERY_TOO_COSTLY": Message(
        "Câu truy vấn đòi hỏi quá nhiều dữ liệu (chi phí {cost}, tối đa {limit}).",
        "The query asks for too much data (cost {cost}, at most {limit}).",
    ),
    "TOO_MANY_TOKENS": Message(
        "Câu truy vấn quá dài (quá nhiều ký hiệu).", "The query is too long (too many tokens)."
    ),
    "PAGE_SIZE_EXCEEDED": Message(
        "Số bản ghi mỗi trang phải từ 0 đến {limit} (đã yêu cầu {first}).",
        "The page size must be between 0 and {limit} (asked for {first}).",
    ),
    "INVALID_CURSOR": Message(
        "Con trỏ phân trang không hợp lệ; hãy dùng giá trị `cursor` do máy chủ trả về.",
        "The pagination cursor is invalid; pass a `cursor` value the server returned.",
    ),
    "INVALID_ID": Message(
        "Mã định danh {id!r} không hợp lệ cho {expected}.",
        "The id {id!r} is not a valid {expected} id.",
    ),
    "BAD_ARGUMENTS": Message("Tham số không hợp lệ: {vi}", "Invalid arguments: {en}"),
    "EXPORTS_BUSY": Message(
        "Đang có {limit} lượt tải danh sách quy hoạch; hãy thử lại sau ít phút.",
        "{limit} plan lists are being downloaded already; try again in a few minutes.",
    ),
    "UNSUPPORTED_FORMAT": Message(
        "Không hỗ trợ định dạng {format!r}; hãy chọn csv hoặc xlsx.",
        "The format {format!r} is not supported; choose csv or xlsx.",
    ),
    # Transport-level problems, answered before any GraphQL runs.
    "BODY_TOO_LARGE": Message(
        "Nội dung yêu cầu quá lớn (tối đa {limit} byte).",
        "The request body is too large (at most {limit} bytes).",
    ),
    "UNSUPPORTED_MEDIA_TYPE": Message(
        "Yêu cầu POST phải có Content-Type: application/json.",
        "A POST request must have Content-Type: application/json.",
    ),
    "INVALID_UTF8": Message(
        "Nội dung yêu cầu không phải văn bản UTF-8 hợp lệ.",
        "The request body is not valid UTF-8.",
    ),
    "INVALID_JSON": Message(
        "Nội dung yêu cầu không phải JSON hợp lệ.", "The request body is not valid JSON."
    ),
    "JSON_TOO_DEEP": Message(
        "JSON lồng quá sâu (tối đa {limit} cấp).",
        "The JSON is nested too deeply (at most {limit}).",
    ),
    "BATCHING_NOT_SUPPORTED": Message(
        "Không hỗ trợ gửi nhiều truy vấn trong một yêu cầu; hãy gửi một đối tượng JSON.",
        "Batched requests are not supported; send one JSON object.",
    ),
    "INVALID_REQUEST": Message(
        "Yêu cầu GraphQL không hợp lệ: {vi}", "The GraphQL request is invalid: {en}"
    ),
    "MISSING_QUERY": Message("Yêu cầu thiếu trường `query`.", "The request has no `query`."),
    "UNKNOWN_OPERATION": Message(
        "Không tìm thấy thao tác {name!r} trong tài liệu "
        "(hoặc tài liệu có nhiều thao tác mà không chọn).",
        "No operation named {name!r} in the document (or several operations and none chosen).",
    ),
    "METHOD_NOT_ALLOWED": Message(
        "Phương thức {method} không được phép ở đây ({detail}).",
        "Method {method} is not allowed here ({detail}).",
    ),
    "NOT_FOUND": Message("Không tìm thấy.", "Not found."),
    "UNAUTHENTICATED": Message(
        "Cần đăng nhập (gửi `Authorization: Bearer <token>`).",
        "Log in first (send `Authorization: Bearer <token>`).",
    ),
    "INVALID_TOKEN": Message(
        "Mã truy cập không hợp lệ, đã hết hạn hoặc tài khoản đã bị khóa; hãy đăng nhập lại.",
        "The access token is invalid or expired, or its account is disabled; log in again.",
    ),
    "NOT_ALLOWED": Message(
        "Bạn không có quyền {action} {resource} ở đơn vị này.",
        "You may not {action} {resource} here.",
    ),
    "OFFICIALS_ONLY": Message(
        "Chỉ cán bộ đăng nhập bằng tài khoản mới xem được thông tin này (không dùng khóa API).",
        "Only officials logged in with an account may see this (not an API key).",
    ),
}


class ClientError(Exception):
    """A mistake the client can fix, with a stable ``code`` from ``MESSAGES``."""

    def __init__(self, code: str, **values: Any) -> None:
        super().__init__(code)
        self.code = code
        self.values = values

    def message(self, language: Language) -> str:
        return MESSAGES[self.code].text(language, **self.values)

    def as_json(self, language: Language) -> dict[str, object]:
        """The GraphQL-over-HTTP error object for answers given outside execution."""
        return {"message": self.message(language), "extensions": self.extensions(language)}

    def extensions(self, language: Language) -> dict[str, object]:
        return {
            "code": self.code,
            "messages": {lang.value: self.message(lang) for lang in Language},
        }


# graphql-core reports its token limit as a syntax error worded like this (language/parser.py).
_TOKEN_LIMIT_WORDING = "tokens. Parsing aborted."


def _is_variable_coercion(error: GraphQLError) -> bool:
    # A variable of the wrong type fails before execution (no path), wrapping the scalar's or
    # enum's own exception; graphql-core words it "Variable '$x' got invalid value …".
    return error.path is None and error.message.startswith("Variable '$")


def present(error: GraphQLError, *, language: Language, request_id: str) -> GraphQLError:
    """Return ``error`` as a client sees it: localised, coded, and masked if unexpected."""
    original = error.original_error
    if isinstance(original, ClientError):
        client_error = original
    elif original is None and _TOKEN_LIMIT_WORDING in error.message:
        client_error = ClientError("TOO_MANY_TOKENS")
    elif original is None or _is_variable_coercion(error):
        # graphql-core's own parse and validation messages exist in English only.
        detail = error.message
        code = (
            "GRAPHQL_PARSE_FAILED"
            if detail.startswith("Syntax Error")
            else "GRAPHQL_VALIDATION_FAILED"
        )
        client_error = ClientError(code, detail=detail)
    else:
        logger.error("unexpected error in request %s", request_id, exc_info=original)
        client_error = ClientError("INTERNAL_ERROR", request_id=request_id)
    return GraphQLError(
        client_error.message(language),
        nodes=error.nodes,
        source=error.source,
        positions=error.positions,
        path=error.path,
        extensions=client_error.extensions(language),
    )


class ErrorPresentation(SchemaExtension):
    """Present every error of a result with ``present`` (the last step of an operation)."""

    def on_operation(self) -> Iterator[None]:
        yield
        result = self.execution_context.result
        if result is None or not result.errors:
            return
        context = self.execution_context.context
        language = getattr(context, "language", Language.VI)
        request_id = getattr(context, "request_id", "-")
        result.errors = [
            present(e, language=language, request_id=request_id) for e in result.errors
        ]
