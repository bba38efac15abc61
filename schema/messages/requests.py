"""Messages of requests refused as a whole (``ClientError`` codes) and of mutation outcomes."""

from __future__ import annotations

from collections.abc import Mapping

from schema.messages.wording import Message

REQUEST_ERRORS: Mapping[str, Message] = {
    "INTERNAL_ERROR": Message(
        "Lỗi hệ thống không mong đợi; vui lòng thử lại hoặc báo quản trị viên "
        "(mã yêu cầu {request_id}).",
        "Unexpected server error; please retry or report it (request id {request_id}).",
    ),
    # graphql-core words its own parse and validation errors, in English only: {detail}.
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
    "INTROSPECTION_DISABLED": Message(
        "Máy chủ này tắt chức năng tra cứu lược đồ (introspection).",
        "Introspection of the schema is turned off on this server.",
    ),
    "INTROSPECTION_FOR_OFFICIALS": Message(
        "Trên máy chủ này, chỉ cán bộ đã đăng nhập mới được tra cứu lược đồ (introspection).",
        "On this server only logged-in officials may introspect the schema: log in first.",
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
        "Mã định danh {id!r} không phải mã hợp lệ của kiểu `{expected}`.",
        "The id {id!r} is not a valid {expected} id.",
    ),
    # {reason} is an input problem (UNKNOWN_CYCLE, SEARCH_TOO_LONG, …), worded in turn.
    "BAD_ARGUMENTS": Message("Tham số không hợp lệ: {reason}", "Invalid arguments: {reason}"),
    "EXPORTS_BUSY": Message(
        "Đang có {limit} lượt tải danh sách quy hoạch; hãy thử lại sau ít phút.",
        "{limit} plan lists are being downloaded already; try again in a few minutes.",
    ),
    "UNSUPPORTED_FORMAT": Message(
        "Không hỗ trợ định dạng {format!r}; hãy chọn `csv` hoặc `xlsx`.",
        "The format {format!r} is not supported; choose csv or xlsx.",
    ),
    # Transport-level problems, answered before any GraphQL runs.
    "BODY_TOO_LARGE": Message(
        "Nội dung yêu cầu quá lớn (tối đa {limit} byte).",
        "The request body is too large (at most {limit} bytes).",
    ),
    "UNSUPPORTED_MEDIA_TYPE": Message(
        "Yêu cầu POST phải có tiêu đề `Content-Type: application/json`.",
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
        "Yêu cầu GraphQL không hợp lệ: {reason}", "The GraphQL request is invalid: {reason}"
    ),
    "MISSING_QUERY": Message("Yêu cầu thiếu trường `query`.", "The request has no `query`."),
    # Trusted documents (api/trusted_documents.py): a request may name a registered document.
    "INVALID_DOCUMENT_ID": Message(
        "Mã tài liệu không hợp lệ: {detail}", "The document id is malformed: {detail}"
    ),
    "DOCUMENT_ID_MISMATCH": Message(
        "Mã tài liệu không khớp với nội dung `query` gửi kèm (mã là `sha256:` và mã băm "
        "của đúng văn bản đó, dạng UTF-8).",
        "The document id does not match the `query` sent with it (the id is `sha256:` and "
        "the hash of that exact text, in UTF-8).",
    ),
    "PERSISTED_QUERY_NOT_FOUND": Message(
        "Máy chủ chưa đăng ký tài liệu {id}; hãy đăng ký bản dựng của ứng dụng "
        "(`quyhoach documents add`) hoặc gửi kèm `query`.",
        "No document {id} is registered on this server; register the client's build "
        "(`quyhoach documents add`) or send the `query`.",
    ),
    "SERVER_BUSY": Message(
        "Máy chủ đang phục vụ đủ {limit} đăng ký theo dõi; hãy thử lại sau ít phút.",
        "This server already serves its {limit} subscriptions; try again in a few minutes.",
    ),
    "SUBSCRIPTIONS_ONLY": Message(
        "Qua WebSocket chỉ gửi đăng ký theo dõi (`subscription`); truy vấn và thao tác gửi bằng "
        "`POST /graphql`.",
        "Only subscriptions go over the WebSocket; send queries and mutations by `POST /graphql`.",
    ),
    "TOO_MANY_SUBSCRIPTIONS": Message(
        "Mỗi kết nối chỉ được {limit} đăng ký theo dõi cùng lúc; hãy kết thúc bớt một đăng ký.",
        "A connection may hold {limit} subscriptions at once; complete one first.",
    ),
    "PERSISTED_QUERY_NOT_SUPPORTED": Message(
        "Máy chủ này không nhận mã tài liệu; hãy gửi nội dung `query`.",
        "This server does not take document ids; send the `query`.",
    ),
    "TRUSTED_DOCUMENTS_ONLY": Message(
        "Máy chủ này chỉ chạy các tài liệu đã đăng ký; hãy đăng ký tài liệu này "
        "(`quyhoach documents add`) rồi gửi mã `documentId` của nó.",
        "This server runs registered documents only; register this one "
        "(`quyhoach documents add`) and send its `documentId`.",
    ),
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
    # {action} and {resource} are policy words (manage, user, CLERK…): see labels.py.
    "NOT_ALLOWED": Message(
        "Bạn không có quyền {action} {resource} ở đơn vị này.",
        "You may not {action} {resource} here.",
    ),
    # The particular refusals of NotAllowed.code, given the same {action} and {resource}.
    "SELF_GRANT": Message(
        "Không ai được tự cấp hoặc thu hồi quyền của chính mình; hãy đề nghị một quản trị viên "
        "khác.",
        "Nobody may grant or revoke their own roles; ask another administrator.",
    ),
    "ROLE_NOT_HELD": Message(
        "Bạn chỉ được {action} {resource} khi chính bạn giữ vai trò đó ở đơn vị này hoặc đơn vị "
        "cấp trên.",
        "You may {action} {resource} only where you hold that role yourself, here or above.",
    ),
    "SELF_DEACTIVATION": Message(
        "Bạn không thể tự khóa tài khoản của chính mình; hãy đề nghị một quản trị viên khác.",
        "You may not deactivate your own account; ask another administrator.",
    ),
    "OFFICIALS_ONLY": Message(
        "Chỉ cán bộ đăng nhập bằng tài khoản mới xem được thông tin này (không dùng khóa API).",
        "Only officials logged in with an account may see this (not an API key).",
    ),
}

# Why a request was refused, the {reason} or {detail} of the errors above.
REQUEST_REASONS: Mapping[str, Message] = {
    "BODY_NOT_OBJECT": Message(
        "nội dung phải là một đối tượng JSON", "the body must be a JSON object"
    ),
    "QUERY_NOT_STRING": Message("`query` phải là chuỗi", "`query` must be a string"),
    "VARIABLES_NOT_OBJECT": Message(
        "`variables` phải là đối tượng JSON", "`variables` must be an object"
    ),
    "OPERATION_NAME_NOT_STRING": Message(
        "`operationName` phải là chuỗi", "`operationName` must be a string"
    ),
    "EXTENSIONS_NOT_OBJECT": Message(
        "`extensions` phải là đối tượng JSON", "`extensions` must be an object"
    ),
    "DOCUMENT_ID_FORM": Message(
        "`documentId` có dạng `sha256:` và 64 chữ số thập lục phân viết thường",
        "`documentId` is `sha256:` and 64 lower-case hexadecimal digits",
    ),
    "PERSISTED_QUERY_HASH_FORM": Message(
        "`extensions.persistedQuery.sha256Hash` gồm 64 chữ số thập lục phân viết thường",
        "`extensions.persistedQuery.sha256Hash` is 64 lower-case hexadecimal digits",
    ),
    "ONLY_GET_AND_POST": Message("chỉ nhận GET và POST", "only GET and POST"),
    "QUERIES_ONLY_OVER_GET": Message(
        "qua GET chỉ được gửi truy vấn đọc", "only queries may be sent over GET"
    ),
    "SEARCH_TOO_LONG": Message(
        "`search` dài quá {most} ký tự", "`search` is longer than {most} characters"
    ),
    "ID_OR_CODE": Message(
        "cần đúng một trong `id` và `code`", "give exactly one of `id` and `code`"
    ),
    "SUBMITTED_IN_PAST": Message(
        "không thể tính hồ sơ đã trình cho một ngày đã qua",
        "submitted plans can only be counted as they stand today",
    ),
    # The query parameters of the export downloads (api/export_params.py): {name} is one.
    "UNKNOWN_PARAMETER": Message("không có tham số {names}", "unknown parameter {names}"),
    "ONE_VALUE": Message(
        "cần đúng một giá trị cho `{name}`", "give `{name}` exactly once, not empty"
    ),
    "NOT_A_FLAG": Message("`{name}` phải là `true` hoặc `false`", "`{name}` must be true or false"),
    "NOT_A_DAY": Message(
        "`{name}` là một ngày dạng năm-tháng-ngày (`YYYY-MM-DD`)",
        "`{name}` is one date, YYYY-MM-DD",
    ),
    "BAD_FILTER": Message(
        "`{name}` có dạng `CHIỀU:giá_trị1,giá_trị2` (nhận {given!r})",
        "`{name}` takes the form DIMENSION:value1,value2 (got {given!r})",
    ),
    "UNKNOWN_DIMENSION": Message(
        "`{name}`: không có chiều {value!r} (có: {known})",
        "`{name}`: no dimension {value!r} (known: {known})",
    ),
}

# The messages of mutation outcomes (schema/outcomes.py, schema/access/sessions.py).
OUTCOMES: Mapping[str, Message] = {
    "VALIDATION_FAILED": Message("Dữ liệu không hợp lệ.", "Invalid input."),
    "REORGANISATION_REFUSED": Message(
        "Danh sách đơn vị hoặc tệp kế thừa có lỗi: chưa ghi gì.",
        "The unit list or the lineage has problems: nothing was written.",
    ),
    "STALE_VERSION": Message(
        "Đã có người sửa trước (phiên bản {current}): hãy tải lại rồi sửa tiếp.",
        "Changed since you read it (now version {current}): reload and retry.",
    ),
    "INVALID_TRANSITION": Message(
        "Không thể {action} danh sách quy hoạch đang ở trạng thái “{status}”.",
        "You cannot {action} a plan that is {status}.",
    ),
    "IDEMPOTENCY_KEY_REUSED": Message(
        "Khóa chống lặp này đã dùng cho một yêu cầu khác.",
        "This idempotency key was used for another input.",
    ),
    "INVALID_CREDENTIALS": Message(
        "Sai tên đăng nhập hoặc mật khẩu.", "Wrong username or password."
    ),
    "TOO_MANY_ATTEMPTS": Message(
        "Đăng nhập sai quá nhiều lần: hãy thử lại sau {retry_after} giây.",
        "Too many failed logins: wait {retry_after} s before trying again.",
    ),
}
