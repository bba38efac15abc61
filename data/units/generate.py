"""Regenerate data/units/*.csv (Vietnam's administrative units) from public PyPI packages.

Run from the repo root, once per dataset, each in its own throwaway venv (versions conflict):

  three-tier.csv: 63 provinces, districts, communes before 2025-07-01 (GSO data of 2025-01-04)
    python -m venv /tmp/gen3 && /tmp/gen3/bin/pip install vietnam-provinces==0.6.0
    /tmp/gen3/bin/python data/units/generate.py three-tier
  two-tier.csv: 34 provinces and communes from 2025-07-01 (data of 2025-10-18). Caveat: its codes
  come from the draft decision; ~130 communes differ from the final list (Cục Thống kê 2025-06-25)
    python -m venv /tmp/gen2 && /tmp/gen2/bin/pip install vietnam-provinces==2025.10.1
    /tmp/gen2/bin/python data/units/generate.py two-tier
  lineage-2025.csv: old -> new units; needs both CSVs above (vietnam-provinces has no mapping)
    python -m venv /tmp/genv && /tmp/genv/bin/pip install vietnamadminunits==1.0.4
    /tmp/genv/bin/python data/units/generate.py lineage
"""

from __future__ import annotations

import argparse
import csv
import importlib
import importlib.metadata
import importlib.util
import json
import re
import sqlite3
import sys
import unicodedata
from collections import Counter
from pathlib import Path
from typing import Any

OUT = Path(__file__).resolve().parent
KINDS = ("PROVINCE", "DISTRICT", "COMMUNE")
WIDTH = {"PROVINCE": 2, "DISTRICT": 3, "COMMUNE": 5}
PINNED = {"three-tier": "0.6.0", "two-tier": "2025.10.1", "lineage": "1.0.4"}
UNIT_HEADER = ("kind", "code", "name", "parent_code")
LINEAGE_HEADER = ("predecessor_code", "predecessor_kind", "successor_code", "successor_kind")
Row = tuple[str, str, str, str]  # in the order of UNIT_HEADER or LINEAGE_HEADER
PREFIXES = {  # full names start with the unit type
    "PROVINCE": ("Tỉnh ", "Thành phố "),
    "DISTRICT": ("Huyện ", "Quận ", "Thị xã ", "Thành phố "),
    "COMMUNE": ("Xã ", "Phường ", "Thị trấn ", "Đặc khu "),
}
TONE = "[\u0300\u0301\u0303\u0309\u0323]"  # grave, acute, tilde, hook above, dot below


def code(kind: str, value: int) -> str:
    return str(value).zfill(WIDTH[kind])


def nfc(name: str) -> str:
    """NFC, single spaces, and the type prefix in its usual case ("Thành Phố X" -> "Thành phố X")."""
    name = unicodedata.normalize("NFC", " ".join(name.split()))
    prefix = next((p for ps in PREFIXES.values() for p in ps if name.startswith(p.title())), "")
    return prefix + name[len(prefix) :]


def key(name: str) -> str:
    """Match key across spelling variants: Hoà/Hòa, Thuỷ/Thủy, curly/straight quotes, dashes."""
    name = unicodedata.normalize("NFD", nfc(name).lower().replace("\u2019", "'"))
    return re.sub(f"({TONE})(\\S*)", r"\2\1", name.replace("\u2013", "-"))  # tone to syllable end


def require(package: str, dataset: str) -> None:
    if (found := importlib.metadata.version(package)) != PINNED[dataset]:
        sys.exit(f"{dataset} needs {package}=={PINNED[dataset]}, found {found}")


def communes(wards: list[dict[str, Any]], parent: str) -> list[Row]:
    return [("COMMUNE", code("COMMUNE", w["code"]), nfc(w["name"]), parent) for w in wards]


def units(dataset: str) -> list[Row]:
    require("vietnam-provinces", dataset)
    path: Path = importlib.import_module("vietnam_provinces").NESTED_DIVISIONS_JSON_PATH
    rows: list[Row] = []
    for p in json.loads(path.read_text(encoding="utf-8")):
        pc, name = code("PROVINCE", p["code"]), nfc(p["name"])
        if not name.startswith(PREFIXES["PROVINCE"]):
            name = f"Tỉnh {name}"  # 2025.10.1 drops this prefix (but keeps "Thành phố ")
        rows.append(("PROVINCE", pc, name, ""))
        for d in p.get("districts", []):  # three-tier only
            dc = code("DISTRICT", d["code"])
            rows.append(("DISTRICT", dc, nfc(d["name"]), pc))
            rows += communes(d["wards"], dc)
        rows += communes(p.get("wards", []), pc)  # two-tier only
    rows.sort(key=lambda r: (KINDS.index(r[0]), r[1]))
    codes = Counter(r[1] for r in rows)
    if dupes := [c for c, n in codes.items() if n > 1]:
        sys.exit(f"duplicate codes {dupes[:10]}")
    if orphans := [r for r in rows if r[3] and r[3] not in codes]:
        sys.exit(f"unknown parent_code in {orphans[:10]}")
    bad = [r for r in rows if len(r[1]) != WIDTH[r[0]] or not r[1].isdigit()]
    if bad := bad + [r for r in rows if not r[2].startswith(PREFIXES[r[0]])]:
        sys.exit(f"malformed rows {bad[:10]}")
    return rows


def read(name: str) -> tuple[dict[str, Row], dict[tuple[str, str], str]]:
    """Rows of a unit CSV by code, and codes by (parent_code, name key) if unambiguous."""
    with (OUT / name).open(encoding="utf-8", newline="") as f:
        rows = {r[1]: (r[0], r[1], r[2], r[3]) for r in csv.reader(f) if r[0] in KINDS}
    names = Counter((r[3], key(r[2])) for r in rows.values())
    return rows, {(r[3], key(r[2])): c for c, r in rows.items() if names[r[3], key(r[2])] == 1}


def lineage() -> list[Row]:
    """Old -> new pairs from vietnamadminunits' converter data (keyed by name slugs; its codes
    differ for some units, so it is joined to our CSVs by code where the district agrees, else by
    parent and name). A split old commune gets one row per successor."""
    require("vietnamadminunits", "lineage")
    spec = importlib.util.find_spec("vietnamadminunits")
    assert spec is not None and spec.origin is not None
    data = Path(spec.origin).parent / "data"
    conv: dict[str, Any] = json.loads((data / "converter_2025.json").read_text("utf-8"))
    db = sqlite3.connect(data / "dataset.db")
    (old_rows, old_names), (new_rows, new_names) = read("three-tier.csv"), read("two-tier.csv")
    old: dict[str, tuple[str, str]] = {}  # "province_district_ward" slug -> (code, kind)
    sql = "SELECT provinceKey, districtKey, wardKey, districtCode, wardCode, ward FROM "
    for pk, dk, wk, dc, wc, ward in db.execute(sql + "admin_units_legacy"):
        if wc not in old_rows or old_rows[wc][3] != dc:  # renumbered or newer: match by name
            wc = old_names.get((dc, key(ward or "")), "")
        # island districts without communes have no ward; each became a "đặc khu"
        old[f"{pk}_{dk}_{wk or ''}"] = (wc, "COMMUNE") if wk else (dc, "DISTRICT")
    sql = "SELECT provinceKey, wardKey, provinceCode, ward FROM admin_units"
    new = {(pk, wk): new_names.get((pc, key(w)), "") for pk, wk, pc, w in db.execute(sql)}
    sql = "SELECT DISTINCT provinceKey, provinceCode FROM "
    old_prov, new_prov = (dict(db.execute(sql + t)) for t in ("admin_units_legacy", "admin_units"))
    rows: set[Row] = set()
    for n, os in conv["DICT_PROVINCE"].items():
        rows |= {(old_prov[o], "PROVINCE", new_prov[n], "PROVINCE") for o in os}
    for p, wards in conv["DICT_PROVINCE_WARD_NO_DIVIDED"].items():  # whole old units
        rows |= {(*old[o], new[p, n], "COMMUNE") for n, os in wards.items() for o in os}
    for p, split in conv["DICT_PROVINCE_WARD_DIVIDED"].items():  # old units split up
        rows |= {
            (*old[o], new[p, n["newWardKey"]], "COMMUNE") for o, ns in split.items() for n in ns
        }
    print("skipped, not in three-tier.csv:", sorted(k for k, v in old.items() if not v[0]))
    rows = {r for r in rows if r[0]}
    for label, units_, col in (("three-tier", old_rows, 0), ("two-tier", new_rows, 2)):
        if missing := {r[col : col + 2] for r in rows} - {r[1::-1] for r in units_.values()}:
            sys.exit(f"lineage: not in {label}.csv: {sorted(missing)}")
        linked = {r[col] for r in rows}
        unlinked = [r for r in units_.values() if r[0] != "DISTRICT" and r[1] not in linked]
        print(f"{label}.csv units (except districts) without lineage: {unlinked}")
    return sorted(rows, key=lambda r: (KINDS.index(r[1]), r[0], r[2]))


def write(name: str, header: tuple[str, ...], rows: list[Row], kind_col: int) -> None:
    with (OUT / name).open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
    print(f"{name}: {len(rows)} rows", dict(Counter(r[kind_col] for r in rows)))


def main() -> None:
    parser = argparse.ArgumentParser(description="Regenerate data/units/*.csv (see docstring).")
    parser.add_argument("dataset", choices=PINNED)
    dataset: str = parser.parse_args().dataset
    if dataset == "lineage":
        write("lineage-2025.csv", LINEAGE_HEADER, lineage(), 1)
    else:
        write(f"{dataset}.csv", UNIT_HEADER, units(dataset), 0)


if __name__ == "__main__":
    main()
