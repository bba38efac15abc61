"""Messages of validation findings, one per rule of DOMAIN.md (Q, E, V, and T- targets).

Placeholders are the finding's values, which the report also lists as ``numbers``; words among
them (tier, discipline form, theory level, vote base) are shown through labels.py.
"""

from __future__ import annotations

from collections.abc import Mapping

from schema.messages.wording import Message

_SHARE_GOAL_VI = "{value}, phấn đấu ≥ {target}"
_SHARE_GOAL_EN = "{value}, aiming for ≥ {target}"

FINDINGS: Mapping[str, Message] = {
    # Counts (planning/validation.py; Q1–Q3 also refuse adding an entry, schema/plans/).
    "Q1": Message(
        "{position}: quy hoạch {planned} người cho {seats} vị trí, "
        "cần từ {minimum} đến {maximum} người",
        "{position}: {planned} planned for {seats} seats; {minimum} to {maximum} are expected",
    ),
    "Q2": Message(
        "{position}: quy hoạch {planned} người, tối đa {maximum} cho {seats} vị trí",
        "{position}: {planned} planned, at most {maximum} for {seats} seats",
    ),
    "Q3": Message(
        "một người được quy hoạch {positions} chức danh cùng cấp phê duyệt, tối đa {maximum}",
        "one person is planned for {positions} positions at the same approving level; "
        "at most {maximum}",
    ),
    # Eligibility of one entry (planning/eligibility.py).
    "E1": Message(
        "chỉ quy hoạch vào chức danh cao hơn chức danh hiện giữ "
        "(chức danh quy hoạch bậc {position_rank}, hiện giữ bậc {current_rank})",
        "only a position higher than the current one can be planned "
        "(the position is rank {position_rank}, the current post rank {current_rank})",
    ),
    "E3": Message(
        "không quy hoạch người đang được đề nghị bổ nhiệm, giới thiệu ứng cử",
        "a person being proposed for appointment cannot be planned at the same time",
    ),
    "E4": Message(
        "còn {remaining_months} tháng công tác tính đến {age_at} (nghỉ hưu từ "
        "{retirement_month}); {tier} cần ít nhất {required_months} tháng",
        "{remaining_months} months of service left at {age_at} (retires {retirement_month}); "
        "{tier} needs at least {required_months}",
    ),
    "E8": Message(
        "chức danh yêu cầu lý luận chính trị {required}, hiện có: {held}",
        "the position requires political theory at the {required} level; the person has {held}",
    ),
    "E11": Message(
        "bị kỷ luật {form} ngày {decided_on}; chỉ được xem xét quy hoạch từ {eligible_from} "
        "(sau {waiting_months} tháng)",
        "disciplined ({form}) on {decided_on}; may be planned again from {eligible_from} "
        "(after {waiting_months} months)",
    ),
    "E13": Message(
        "tiêu chuẩn chính trị {standard}; phải được kết luận là đạt",
        "the political standard {standard}; it must be concluded as met",
    ),
    # The ballots of the procedure (DOMAIN §5.1, §5.3; planning/quotas.py passes).
    # A consolidation (DOMAIN A.11): a person of a split predecessor is kept by one successor.
    "KEPT_ELSEWHERE": Message(
        "người này đã được {unit} giữ lại từ đơn vị cũ (đơn vị bị chia tách): mỗi người chỉ "
        "được một đơn vị kế thừa giữ lại",
        "{unit} already kept this person from the split predecessor: one successor only may "
        "keep a person",
    ),
    "Q5": Message(
        "{position}: {seats} vị trí theo cấu hình vượt quá {maximum} của đơn vị hợp nhất từ "
        "{merged_from} đơn vị (theo kết luận 187, 188 của Bộ Chính trị): tính theo {maximum}",
        "{position}: {seats} seats configured exceed the {maximum} of a unit merged from "
        "{merged_from} (KL 187/188): counted as {maximum}",
    ),
    "V0": Message(
        "chưa ghi kết quả bỏ phiếu nào của quy trình cho lượt quy hoạch này",
        "no ballot of the procedure is recorded for this entry",
    ),
    "V1": Message(
        "số phiếu đồng ý {votes_for} chưa quá {threshold} {base} "
        "(triệu tập {summoned}, có mặt {present})",
        "{votes_for} votes for is not more than {threshold} {base} "
        "({summoned} summoned, {present} present)",
    ),
    # Removal from planning (DOMAIN.md §6.4): the reason a removal proposal gives, and the
    # reason a review's entry carries when it comes over marked for removal.
    "R1": Message(
        "đưa ra khỏi quy hoạch (R1): bị kỷ luật {form} ngày {decided_on}",
        "removal from planning (R1): disciplined ({form}) on {decided_on}",
    ),
    # Structure targets: warnings only (one per planning.rulesets.Indicator).
    "T-YOUNG": Message(
        "tỷ lệ cán bộ trẻ: " + _SHARE_GOAL_VI, "share of young cadres: " + _SHARE_GOAL_EN
    ),
    "T-WOMEN": Message("tỷ lệ cán bộ nữ: " + _SHARE_GOAL_VI, "share of women: " + _SHARE_GOAL_EN),
    "T-ETHNIC_MINORITY": Message(
        "tỷ lệ cán bộ người dân tộc thiểu số: " + _SHARE_GOAL_VI,
        "share of ethnic minority cadres: " + _SHARE_GOAL_EN,
    ),
    "T-SCI_TECH": Message(
        "tỷ lệ cán bộ khoa học, công nghệ: " + _SHARE_GOAL_VI,
        "share of science and technology cadres: " + _SHARE_GOAL_EN,
    ),
    "T-AGE_BANDS": Message(
        "số độ tuổi trong danh sách: " + _SHARE_GOAL_VI,
        "age bands covered: " + _SHARE_GOAL_EN,
    ),
}
