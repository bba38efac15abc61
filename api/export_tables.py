"""What each export holds: its columns, and how an answer becomes rows of cells."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from api.tabular import Cell
from db.exports import ApprovedEntry
from schema.messages import Language, Message
from schema.node import to_global_id

# One operation per export, each taking the whole input object as one variable, so that a
# field added to the input (``includeSubmitted``) passes through without touching the text.
STATISTICS_QUERY = """
query ExportStatistics($input: StatisticsInput!) {
  statistics(input: $input) {
    approvedOnly
    total { entries persons personsShare averageAge suppressed }
    rows {
      group { dimension value label }
      entries persons personsShare averageAge suppressed
    }
  }
}
"""
INDICATORS_QUERY = """
query ExportIndicators($input: IndicatorsInput!) {
  indicators(input: $input) {
    approvedOnly
    values { code label value target met numerator denominator suppressed }
  }
}
"""

STATISTICS_MEASURES = ("entries", "persons", "personsShare", "averageAge", "suppressed")
INDICATOR_FIELDS = (
    "code",
    "label",
    "value",
    "target",
    "met",
    "numerator",
    "denominator",
    "suppressed",
)

# The approved plan list as an official reads it: its column titles.
PLAN_ENTRY_COLUMNS: tuple[Message, ...] = (
    Message("Mã đơn vị", "Unit code"),
    Message("Đơn vị quy hoạch", "Planning unit"),
    Message("Mã cấp phê duyệt", "Approving unit code"),
    Message("Cấp phê duyệt", "Approving unit"),
    Message("Nhiệm kỳ", "Cycle"),
    Message("Mã danh sách", "Plan id"),
    Message("Loại danh sách", "Plan kind"),
    Message("Số quyết định", "Decision number"),
    Message("Ngày quyết định", "Decision date"),
    Message("Mã lượt", "Entry id"),
    Message("Họ và tên", "Full name"),
    Message("Giới tính", "Sex"),
    Message("Năm sinh", "Birth year"),
    Message("Tháng sinh", "Birth month"),
    Message("Dân tộc", "Ethnicity"),
    Message("Chức vụ hiện tại", "Current position"),
    Message("Trình độ chuyên môn", "Education"),
    Message("Lý luận chính trị", "Political theory"),
    Message("Mã chức danh", "Position code"),
    Message("Chức danh quy hoạch", "Planned position"),
    Message("Khối", "Body"),
    Message("Cấp quản lý", "Managing level"),
    Message("Đối tượng", "Tier"),
    Message("Nguồn", "Source"),
    Message("Trạng thái", "Entry status"),
)


def plan_entry_header(language: Language) -> list[str]:
    return [title.template(language) for title in PLAN_ENTRY_COLUMNS]


def plan_entry_cells(entry: ApprovedEntry) -> list[Cell]:
    """One line of the list; ids are the global ids the GraphQL API uses."""
    return [
        entry.planning_unit_code,
        entry.planning_unit_name,
        entry.approving_unit_code,
        entry.approving_unit_name,
        entry.cycle,
        to_global_id("Plan", entry.plan_id),
        entry.plan_kind,
        entry.decision_number,
        entry.decision_date,
        to_global_id("PlanEntry", entry.entry_id),
        entry.full_name,
        entry.sex,
        entry.birth_year,
        entry.birth_month,
        entry.ethnicity,
        entry.current_position,
        entry.education,
        entry.political_theory,
        entry.position_code,
        entry.position_title,
        entry.body,
        entry.managed_by.value,
        entry.tier,
        entry.source,
        entry.status.value,
    ]


def statistics_table(data: Any, group_by: Sequence[str]) -> tuple[list[str], list[list[Cell]]]:
    """The rows of ``statistics`` then its total: a value and a label column per dimension
    grouped by, then the measures with the names the GraphQL fields have, then
    ``approvedOnly`` on every row, so that figures counting submitted plans say so."""
    header = ["row"]
    for dimension in group_by:
        header += [dimension, f"{dimension}_LABEL"]
    header += [*STATISTICS_MEASURES, "approvedOnly"]

    def line(kind: str, row: dict[str, Any]) -> list[Cell]:
        groups = {g["dimension"]: g for g in row["group"]}
        cells: list[Cell] = [kind]
        for dimension in group_by:
            group = groups.get(dimension)
            cells += [group["value"], group["label"]] if group else [None, None]
        return [*cells, *(row[measure] for measure in STATISTICS_MEASURES), approved_only]

    statistics = data["statistics"]
    approved_only: bool = statistics["approvedOnly"]
    rows = [line("group", row) for row in statistics["rows"]]
    rows.append(line("total", {**statistics["total"], "group": []}))
    return header, rows


def indicator_table(data: Any) -> tuple[list[str], list[list[Cell]]]:
    """One row per indicator, with the fields ``indicators`` answers and ``approvedOnly``."""
    indicators = data["indicators"]
    approved_only: bool = indicators["approvedOnly"]
    return [*INDICATOR_FIELDS, "approvedOnly"], [
        [*(value[name] for name in INDICATOR_FIELDS), approved_only]
        for value in indicators["values"]
    ]
