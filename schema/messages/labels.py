"""How coded words among a message's values read in each language.

A value named ``tier`` holding ``T1`` reads "đối tượng 1" in Vietnamese: a Vietnamese message
never shows a raw enum name. The vocabulary is chosen by the value's name.
"""

from __future__ import annotations

from collections.abc import Mapping

from schema.messages.wording import Message

TIERS = {
    "T1": Message("đối tượng 1", "tier 1"),
    "T2": Message("đối tượng 2", "tier 2"),
}

DISCIPLINE_FORMS = {
    "REPRIMAND": Message("khiển trách", "reprimand"),
    "WARNING": Message("cảnh cáo", "warning"),
    "REMOVAL_FROM_POST": Message("cách chức", "removal from post"),
}

THEORY_LEVELS = {
    "Sơ cấp": Message("sơ cấp", "elementary"),
    "Trung cấp": Message("trung cấp", "intermediate"),
    "Cao cấp": Message("cao cấp", "advanced"),
    "Cử nhân": Message("cử nhân", "bachelor's"),
    "": Message("chưa có", "none"),
}

VOTE_BASES = {
    "SUMMONED": Message("số người được triệu tập", "of those summoned"),
    "PRESENT": Message("số người có mặt", "of those present"),
}

UNIT_KINDS = {
    "CENTRAL": Message("trung ương", "central level"),
    "PROVINCE": Message("tỉnh", "province"),
    "DISTRICT": Message("huyện", "district"),
    "COMMUNE": Message("xã", "commune"),
    "AGENCY": Message("cơ quan", "agency"),
}

PLAN_STATUSES = {
    "DRAFT": Message("đang xây dựng", "in draft"),
    "SUBMITTED": Message("đã trình", "submitted"),
    "UNDER_APPRAISAL": Message("đang thẩm định", "under appraisal"),
    "RETURNED": Message("bị trả lại", "returned"),
    "APPRAISED": Message("đã thẩm định", "appraised"),
    "APPROVED": Message("đã phê duyệt", "approved"),
    "REJECTED": Message("không được phê duyệt", "rejected"),
    "WITHDRAWN": Message("đã rút lại", "withdrawn"),
    "SUPERSEDED": Message("đã được thay thế", "superseded"),
}

ENTRY_STATUSES = {
    "PROPOSED": Message("đề xuất", "proposed"),
    "ACTIVE": Message("đang có hiệu lực", "in force"),
    "NOT_APPROVED": Message("không được phê duyệt", "not approved"),
    "REMOVED": Message("đã đưa ra khỏi quy hoạch", "removed"),
    "FULFILLED": Message("đã được bổ nhiệm", "fulfilled"),
    "EXPIRED": Message("hết hiệu lực", "expired"),
    "SUPERSEDED": Message("đã được thay thế", "superseded"),
}

# The actions of policies/policy.csv and of the plan workflow (lower case), as verbs.
ACTIONS = {
    "read": Message("xem", "read"),
    "edit": Message("sửa", "edit"),
    "draft": Message("soạn", "draft"),
    "submit": Message("trình", "submit"),
    "withdraw": Message("rút lại", "withdraw"),
    "receive": Message("tiếp nhận", "receive"),
    "return": Message("trả lại", "return"),
    "appraise": Message("thẩm định", "appraise"),
    "approve": Message("phê duyệt", "approve"),
    "reject": Message("không phê duyệt", "reject"),
    "reopen": Message("mở lại", "reopen"),
    "manage": Message("quản lý", "manage"),
    "grant": Message("cấp", "grant"),
    "revoke": Message("thu hồi", "revoke"),
    "transfer": Message("điều động", "transfer"),
}

ROLES = {
    "CLERK": Message("vai trò chuyên viên", "the clerk role"),
    "HEAD": Message("vai trò lãnh đạo đơn vị", "the head role"),
    "APPRAISER": Message("vai trò thẩm định (ban tổ chức)", "the appraiser role"),
    "APPROVER": Message("vai trò phê duyệt (ban thường vụ)", "the approver role"),
    "VIEWER": Message("vai trò xem", "the viewer role"),
    "INTEGRATOR": Message("vai trò tích hợp số liệu", "the integrator role"),
    "ADMIN": Message("vai trò quản trị", "the admin role"),
}

# The resources of policies/policy.csv; a grant's resource is the role granted.
RESOURCES = {
    "unit": Message("đơn vị", "units"),
    "person": Message("hồ sơ cán bộ", "cadre records"),
    "plan": Message("danh sách quy hoạch", "plans"),
    "statistics": Message("số liệu thống kê", "statistics"),
    "user": Message("tài khoản", "accounts"),
    "grant": Message("quyền", "grants"),
    "apikey": Message("khóa API", "API keys"),
    "reference": Message("dữ liệu danh mục", "reference data"),
    **ROLES,
}

# The groups of statistics (schema/stats/queries.py): the three age bands, the middle one as
# wide as the rule set says, and the coded values a group can have.
AGE_BANDS = (
    Message("trẻ", "young"),
    Message("{n} năm tiếp theo", "next {n} years"),
    Message("lớn tuổi hơn", "older"),
)
GROUP_VALUES = {
    "MALE": Message("Nam", "male"),
    "FEMALE": Message("Nữ", "female"),
    "true": Message("có", "yes"),
    "false": Message("không", "no"),
    "": Message("(chưa ghi)", "(not recorded)"),
}

LABELS: Mapping[str, Mapping[str, Message]] = {
    "tier": TIERS,
    "form": DISCIPLINE_FORMS,
    "required": THEORY_LEVELS,
    "held": THEORY_LEVELS,
    "base": VOTE_BASES,
    "level": UNIT_KINDS,
    "status": PLAN_STATUSES,
    "entry_status": ENTRY_STATUSES,
    "action": ACTIONS,
    "resource": RESOURCES,
}
