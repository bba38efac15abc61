"""Messages of input problems: why one field of a mutation's input is refused.

Codes are public (``ValidationFailed.problems.code``); placeholders are the problem's values.
"""

from __future__ import annotations

from collections.abc import Mapping

from schema.messages.wording import Message

INPUT_PROBLEMS: Mapping[str, Message] = {
    # Accounts, passwords and API keys (planning/access.py, schema/access/).
    "PASSWORD_TOO_SHORT": Message(
        "mật khẩu phải có ít nhất {least} ký tự",
        "the password must have at least {least} characters",
    ),
    "PASSWORD_TOO_LONG": Message(
        "mật khẩu dài tối đa {most} ký tự", "the password may have at most {most} characters"
    ),
    "PASSWORD_CONTAINS_USERNAME": Message(
        "mật khẩu không được chứa tên đăng nhập", "the password must not contain the username"
    ),
    "PASSWORD_TOO_COMMON": Message(
        "mật khẩu quá phổ biến hoặc quá đơn giản", "the password is too common or too simple"
    ),
    "BAD_USERNAME": Message(
        "tên đăng nhập gồm 3–64 chữ cái không dấu, chữ số, `.`, `_` hoặc `-`",
        "a username has 3–64 ASCII letters, digits, `.`, `_` or `-`",
    ),
    "USERNAME_TAKEN": Message("tên đăng nhập đã được dùng", "the username is taken"),
    "UNKNOWN_UNIT": Message(
        "không có đơn vị mã {code} vào ngày {at}", "no unit has code {code} on {at}"
    ),
    "UNKNOWN_UNIT_ID": Message("không có đơn vị số {unit}", "no unit has id {unit}"),
    "MISSING_NAME": Message("chưa nhập tên", "the name is empty"),
    "BAD_NAME": Message("tên dài từ 1 đến {most} ký tự", "a name has 1 to {most} characters"),
    "EXPIRES_IN_PAST": Message("thời hạn đã qua", "the expiry is already past"),
    # Cadre records (planning/persons.py).
    "BAD_NATIONAL_ID": Message(
        "số định danh cá nhân gồm đúng 12 chữ số", "a national id has exactly 12 digits"
    ),
    "NATIONAL_ID_TAKEN": Message(
        "số định danh này đã có hồ sơ", "a record with this national id exists"
    ),
    "BAD_BIRTH_YEAR": Message(
        "năm sinh phải từ {earliest} đến {latest}",
        "the birth year must be between {earliest} and {latest}",
    ),
    "BAD_BIRTH_MONTH": Message("tháng sinh từ 1 đến 12", "the birth month is 1 to 12"),
    "BAD_BIRTH_DAY": Message(
        "ngày sinh không tồn tại (hoặc thiếu tháng sinh)",
        "no such day of birth (or the month is missing)",
    ),
    "BAD_RETIREMENT_AGE": Message(
        "tuổi nghỉ hưu riêng phải từ 50 đến 65 tuổi (600–780 tháng)",
        "an individual retirement age is 50 to 65 years (600–780 months)",
    ),
    # Transfers of a cadre (planning/transfers.py); UNIT_CLOSED also refuses a new person, plan
    # or grant on a closed unit (planning/units.py closed_problem).
    "UNIT_CLOSED": Message(
        "đơn vị đã giải thể hoặc sáp nhập từ sau ngày {closed}: không nhận thêm cán bộ, "
        "danh sách quy hoạch hay phân quyền; đơn vị kế thừa: {successors}",
        "the unit closed after {closed}: it takes no new persons, plans or roles; "
        "continued by: {successors}",
    ),
    "UNIT_NOT_OPEN": Message(
        "đơn vị chỉ hoạt động từ ngày {opens}", "the unit exists only from {opens}"
    ),
    "SAME_UNIT": Message(
        "cán bộ đang công tác tại đơn vị này", "the person already works in this unit"
    ),
    # Finding a person nationally (schema/persons/queries.py): what an official outside the
    # record's scope is told, without any personal data.
    "PERSON_NOT_REGISTERED": Message(
        "chưa có hồ sơ cán bộ nào mang số định danh này", "no record has this national id"
    ),
    "PERSON_ELSEWHERE": Message(
        "hồ sơ cán bộ mang số định danh này do {province} quản lý: hãy liên hệ {province}",
        "the record with this national id is kept by {province}: ask {province}",
    ),
    # Reference data (schema/plans/reference.py, schema/stats/progress.py).
    "BAD_SEATS": Message("số vị trí 1–200, bậc 1–20", "seats 1–200, rank 1–20"),
    "UNKNOWN_TARGET": Message(
        "bộ quy tắc không có chỉ tiêu này", "the rule set has no such target"
    ),
    "TARGET_SHARE_OUT_OF_RANGE": Message(
        "tỷ lệ chỉ tiêu phải từ 0 đến 1 (0,3 là 30%), không phải {value}",
        "a target share lies from 0 to 1 (0.3 is 30%), not {value}",
    ),
    "TARGET_BANDS_OUT_OF_RANGE": Message(
        "số nhóm tuổi phải từ 0 đến 3, không phải {value}",
        "the age bands target is a count from 0 to 3, not {value}",
    ),
    "BAD_CYCLE": Message(
        "cần đủ 5 tháng tính tuổi (năm-tháng, `YYYY-MM`) và nhiệm kỳ hợp lệ",
        "five reference months (YYYY-MM) and valid terms are required",
    ),
    "UNKNOWN_CYCLE": Message("không có nhiệm kỳ {cycle}", "no cycle {cycle}"),
    # The working calendar and the approval clock (schema/reference, schema/plans/deadline.py).
    "WORKING_DAY_NOT_WEEKEND": Message(
        "chỉ ngày thứ Bảy, Chủ nhật mới có thể quyết định là ngày làm việc bù",
        "only a Saturday or Sunday can be decided a working day in exchange",
    ),
    "NO_DECIDED_DAY": Message(
        "ngày {day} không có quyết định nào để bỏ", "no decision is recorded for {day}"
    ),
    "BAD_YEAR": Message("năm từ {first} đến {last}", "a year from {first} to {last}"),
    "BAD_EXTENSION": Message(
        "gia hạn từ 1 đến {most} ngày làm việc", "extend by 1 to {most} working days"
    ),
    "ALREADY_EXTENDED": Message(
        "thời hạn đã được gia hạn một lần ({days} ngày làm việc): không gia hạn thêm",
        "the deadline was already extended once ({days} working days): no second extension",
    ),
    # Plans and their entries (schema/plans/): Q1–Q3 share the findings' wording (findings.py).
    "UNKNOWN_RULE_SET": Message("không có bộ quy tắc {rule_set}", "no rule set {rule_set}"),
    "NO_APPROVING_UNIT": Message(
        "không có cấp {level} nào phía trên đơn vị này",
        "no {level} above this unit manages such positions",
    ),
    "NO_APPROVED_PLAN": Message(
        "chưa có danh sách quy hoạch được phê duyệt để rà soát",
        "there is no approved plan to review",
    ),
    "NOT_A_SUCCESSOR": Message(
        "đơn vị không kế thừa đơn vị nào sau sắp xếp: không có gì để hợp nhất",
        "the unit continues no unit after a reorganisation: there is nothing to consolidate",
    ),
    "NO_PREDECESSOR_PLAN": Message(
        "các đơn vị được kế thừa không có danh sách quy hoạch nhiệm kỳ {cycle} được phê duyệt",
        "the units it continues have no approved plan for the {cycle} cycle",
    ),
    "PERSON_TAKEN": Message(
        "người của lượt {taken} đã được {unit} giữ lại trong quy hoạch hợp nhất của mình",
        "the person of entry {taken} is already kept by {unit} in its consolidation",
    ),
    "PLAN_EXISTS": Message(
        "đơn vị đã có danh sách quy hoạch nhiệm kỳ này cho cấp phê duyệt này",
        "the unit already has a plan for this cycle and approving body",
    ),
    "NOTHING_MANAGED": Message(
        "cấp {level} không quản lý chức danh nào của đơn vị này",
        "the {level} manages none of this unit's positions",
    ),
    "PLAN_NOT_REJECTED": Message(
        "chỉ lập lại từ danh sách không được phê duyệt (danh sách này {status})",
        "a plan can be started only from a rejected plan (this one is {status})",
    ),
    "FROM_PLAN_MISMATCH": Message(
        "danh sách mới phải cùng nhiệm kỳ, loại và cấp phê duyệt với danh sách không được "
        "phê duyệt",
        "the new plan must have the rejected plan's cycle, kind and approving body",
    ),
    # The name of a weekend day the statute makes a working day, in exchange for a day off.
    "SWAPPED_WORKING_DAY": Message("Ngày làm việc bù", "Working day in exchange"),
    "PLAN_EMPTY": Message(
        "danh sách chưa đề xuất lượt quy hoạch nào để phê duyệt",
        "the plan proposes no entry to decide",
    ),
    "DUPLICATE_ENTRY": Message(
        "người này đã có trong danh sách cho chức danh này",
        "this person is already planned for this position here",
    ),
    "BAD_BALLOT": Message(
        "phiếu: 0 ≤ đồng ý ≤ có mặt ≤ triệu tập, và có người được triệu tập",
        "ballots need 0 ≤ votes for ≤ present ≤ summoned, and someone summoned",
    ),
    "BAD_SOURCE": Message(
        "nguồn là `LOCAL` (tại chỗ) hoặc `EXTERNAL` (nơi khác)", "the source is LOCAL or EXTERNAL"
    ),
    "REASON_REQUIRED": Message("cần nêu lý do", "a reason is required"),
    "REPORT_REQUIRED": Message("cần báo cáo thẩm định", "the appraisal report is empty"),
    "DECISION_REQUIRED": Message("cần số quyết định", "the decision number is empty"),
    # Approval as of the moment it is decided (planning/workflow.py approve).
    "DECISION_DATE_IN_FUTURE": Message(
        "ngày quyết định {day} chưa đến (hôm nay là {today})",
        "the decision date {day} is in the future (today is {today})",
    ),
    "DECISION_DATE_BEFORE_RECEIPT": Message(
        "ngày quyết định {day} trước ngày tiếp nhận hồ sơ {received}",
        "the decision date {day} is before the dossier was received on {received}",
    ),
    "ENTRY_BLOCKED": Message(
        "lượt quy hoạch {blocked} vướng quy định {rule}: ghi không phê duyệt lượt này kèm "
        "lý do, hoặc trả lại danh sách",
        "entry {blocked} breaks {rule}: mark it not approved with a reason, or return the plan",
    ),
    "PLAN_BLOCKED": Message(
        "danh sách vẫn vướng quy định {rule} với các lượt được phê duyệt: không phê duyệt "
        "bớt lượt, hoặc trả lại danh sách",
        "the entries to approve still break {rule}: refuse some of them, or return the plan",
    ),
    # Bulk actions on plans (schema/plans/bulk.py).
    "TOO_MANY_PLANS": Message(
        "mỗi lần xử lý tối đa {most} danh sách (đã gửi {given})",
        "at most {most} plans in one request ({given} given)",
    ),
    "DUPLICATE_PLAN": Message(
        "danh sách {plan} được nêu hai lần", "the plan {plan} is listed twice"
    ),
    # Lines of a unit list (planning/units.py, db/unit_import.py), printed by `import-units`.
    "DUPLICATE_CODE": Message(
        "mã {code!r} trùng với dòng {first}", "code {code!r} repeats line {first}"
    ),
    "BAD_KIND": Message(
        "không nạp được đơn vị loại {kind!r} (chỉ nạp tỉnh, huyện, xã và cơ quan)",
        "units of kind {kind!r} cannot be imported (only PROVINCE, DISTRICT, COMMUNE, AGENCY)",
    ),
    "BAD_CODE": Message(
        "mã {code!r} không đúng định dạng mã đơn vị loại {kind}",
        "code {code!r} is not a valid {kind} code",
    ),
    "UNKNOWN_PARENT": Message(
        "không tìm thấy đơn vị cấp trên mã {code!r}", "unknown parent code {code!r}"
    ),
    "BAD_PARENT": Message(
        "đơn vị loại {kind} không thể trực thuộc đơn vị loại {parent}",
        "a {kind} cannot sit under a {parent}",
    ),
    "CODE_IN_USE": Message(
        "mã {code!r} đã thuộc đơn vị {unit!r} trong thời gian chồng lấn",
        "code {code!r} already names {unit!r} over an overlapping period",
    ),
    # Lines of a lineage file (planning/lineage.py), printed by `reorganize`.
    "UNKNOWN_PREDECESSOR": Message(
        "không có đơn vị mã {code!r} còn hiệu lực vào ngày trước khi sắp xếp",
        "no unit with code {code!r} is in force on the day before the reorganisation",
    ),
    "UNKNOWN_SUCCESSOR": Message(
        "không có đơn vị mã {code!r} trong danh sách đơn vị mới",
        "no unit with code {code!r} is in the new unit list",
    ),
    # A reorganisation asked over GraphQL (schema/reorganisation.py).
    "UNKNOWN_REFORM": Message(
        "không có đợt sắp xếp nào tên {name!r}", "no reorganisation ships as {name!r}"
    ),
    "REORGANISATION_INPUT_REQUIRED": Message(
        "cần nêu đợt sắp xếp (`reform`) hoặc danh sách đơn vị, tệp kế thừa và ngày hiệu lực",
        "give a reform, or the unit list, its lineage and the effective day",
    ),
    "CSV_UNREADABLE": Message(
        "không đọc được nội dung tệp dạng `CSV`: dòng đầu phải là {header}",
        "not readable as CSV: the first line must be {header}",
    ),
    # Assigning a person of a split predecessor (schema/persons/assignment.py).
    "NOT_AWAITING_UNIT": Message(
        "cán bộ này không chờ phân công đơn vị sau sắp xếp",
        "this person is not waiting for a unit after a reorganisation",
    ),
    "ALREADY_ASSIGNED": Message(
        "cán bộ này đã được phân công về {unit}", "this person was already assigned to {unit}"
    ),
    "NOT_ITS_SUCCESSOR": Message(
        "đơn vị này không kế thừa đơn vị cũ của cán bộ (có {count} đơn vị kế thừa)",
        "this unit does not continue the person's former unit (it has {count} successors)",
    ),
    "CLOSES_ON_ANOTHER_DAY": Message(
        "đơn vị mã {code!r} đã có ngày kết thúc {day}, không phải {expected} (ngày trước khi "
        "sắp xếp)",
        "unit {code!r} already ends on {day}, not on {expected} (the day before the "
        "reorganisation)",
    ),
    "DUPLICATE_LINK": Message(
        "đơn vị {code!r} và đơn vị kế thừa đã nêu ở dòng {first}",
        "unit {code!r} and its successor were already given on line {first}",
    ),
    "UNIT_MOVED": Message(
        "đơn vị mã {code!r} đã có, với loại hoặc cấp trên khác",
        "unit {code!r} exists with another kind or parent",
    ),
    # Text refused before anything runs (schema/input_guard.py, api/export_params.py): the
    # {reason} of BAD_USER_INPUT, whose {field} is the path of the argument or input field.
    "TEXT_TOO_LONG": Message(
        "dài tối đa {most} ký tự (đã gửi {length})",
        "has at most {most} characters ({length} given)",
    ),
    "UNSTORABLE_CHARACTER": Message(
        "chứa ký tự {character} không lưu được (ký tự rỗng `NUL`, ký tự điều khiển hoặc nửa cặp "
        "thay thế UTF-16)",
        "holds {character}, which cannot be stored (NUL, a control character or half of a "
        "UTF-16 surrogate pair)",
    ),
    "BAD_USER_INPUT": Message(
        "Giá trị của `{field}` không hợp lệ: {reason}",
        "The value of `{field}` is refused: {reason}",
    ),
}
