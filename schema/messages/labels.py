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

# planning.theory.PoliticalTheory, as the E8 finding and the statistics groups show it.
THEORY_LEVELS = {
    "SO_CAP": Message("sơ cấp", "elementary"),
    "TRUNG_CAP": Message("trung cấp", "intermediate"),
    "CAO_CAP": Message("cao cấp", "advanced"),
    "CU_NHAN": Message("cử nhân", "bachelor's"),
    "": Message("chưa có", "none"),
}

# planning.eligibility.StandardVerdict: why E13 blocks.
STANDARD_VERDICTS = {
    "PENDING": Message("chưa được kết luận", "has not been concluded yet"),
    "NOT_MET": Message("đã được kết luận là không đạt", "was concluded not to be met"),
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
    "extend_deadline": Message("gia hạn thời hạn phê duyệt", "extend the deadline of"),
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
    **{code: label for code, label in THEORY_LEVELS.items() if code},
    # planning.disclosure.OTHER: the small rows of free-text values, merged.
    "OTHER": Message("khác", "other"),
}

# The HARD rules an approval can be blocked by (ENTRY_BLOCKED, PLAN_BLOCKED): the rule's id
# of DOMAIN.md with its gist; the finding's full message is in the plan's validation.
RULES = {
    "Q1": Message("Q1 (hệ số quy hoạch ủy viên cấp ủy)", "Q1 (committee planning coefficient)"),
    "Q2": Message("Q2 (tối đa số người cho một chức danh)", "Q2 (people per position)"),
    "Q3": Message("Q3 (tối đa số chức danh cho một người)", "Q3 (positions per person)"),
    "E1": Message("E1 (chỉ quy hoạch chức danh cao hơn)", "E1 (only a higher position)"),
    "E3": Message(
        "E3 (đang được đề nghị bổ nhiệm, giới thiệu ứng cử)",
        "E3 (being proposed for appointment)",
    ),
    "E4": Message("E4 (tuổi quy hoạch)", "E4 (planning age)"),
    "E8": Message("E8 (trình độ lý luận chính trị)", "E8 (political theory)"),
    "E11": Message("E11 (đang trong thời hạn kỷ luật)", "E11 (discipline still in effect)"),
    "E13": Message("E13 (tiêu chuẩn chính trị)", "E13 (political standard)"),
    "V1": Message("V1 (kết quả bỏ phiếu)", "V1 (ballot result)"),
    "R1": Message("R1 (kỷ luật: đưa ra khỏi quy hoạch)", "R1 (discipline: removal)"),
}

# The indicators of DOMAIN.md §8 (schema/stats/indicators.py; the rule set's targets, T-…).
INDICATORS = {
    "WOMEN": Message("cán bộ nữ", "women"),
    "YOUNG": Message("cán bộ trẻ", "young cadres"),
    "ETHNIC_MINORITY": Message("cán bộ người dân tộc thiểu số", "ethnic minorities"),
    "SCI_TECH": Message(
        "cán bộ có trình độ khoa học, công nghệ", "cadres qualified in science and technology"
    ),
    "AGE_BANDS": Message("số nhóm tuổi có mặt (trong 3 nhóm)", "age bands represented (of 3)"),
    "MASTER_PHD": Message("trình độ thạc sĩ, tiến sĩ", "master's degree or PhD"),
    "THEORY_INTERMEDIATE_UP": Message(
        "lý luận chính trị từ trung cấp trở lên", "political theory: intermediate or higher"
    ),
    "NON_LOCAL_HEADS": Message(
        "người đứng đầu không phải người địa phương",
        "heads (secretary, chair) not native to their unit",
    ),
    "AGE_BAND_COVERAGE": Message(
        "số nhóm tuổi có mặt (trong 3 nhóm)", "age bands represented (of 3)"
    ),
    "PLANNING_COEFFICIENT": Message(
        "số người quy hoạch bình quân mỗi chức danh cấp ủy",
        "planned persons per committee seat (mean)",
    ),
    "TITLES_UNDER_MINIMUM": Message(
        "chức danh quy hoạch dưới mức tối thiểu", "titles planned below their minimum"
    ),
    "TITLES_OVER_CAP": Message(
        "chức danh quy hoạch vượt mức tối đa", "titles planned above their cap"
    ),
}

# The successors a UNIT_CLOSED names (planning/units.py closed_problem): none is said in words.
SUCCESSORS = {
    "": Message(
        "không có (đơn vị bị giải thể, không có đơn vị kế thừa)",
        "none (the unit was abolished without a successor)",
    ),
}

LABELS: Mapping[str, Mapping[str, Message]] = {
    "indicator": INDICATORS,
    "tier": TIERS,
    "form": DISCIPLINE_FORMS,
    "required": THEORY_LEVELS,
    "held": THEORY_LEVELS,
    "standard": STANDARD_VERDICTS,
    "base": VOTE_BASES,
    "level": UNIT_KINDS,
    "kind": UNIT_KINDS,  # of a unit-list row; an unknown kind reads as given
    "parent": UNIT_KINDS,
    "status": PLAN_STATUSES,
    "entry_status": ENTRY_STATUSES,
    "action": ACTIONS,
    "resource": RESOURCES,
    "rule": RULES,
    "successors": SUCCESSORS,
}
