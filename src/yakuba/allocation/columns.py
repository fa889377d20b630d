"""The names of the allocation contract (`docs/formats/allocation-io.md`): its files and columns.

Shared by the reader of the tables (`io`), which looks the columns up, and by the validation of
an instance (`validate`), whose located problems name them. Pure: no Django.
"""

from __future__ import annotations

import re

from .model import AGES

# §1
CHILDREN_FILE = "children.csv"
DAYCARES_FILE = "daycares.csv"
COMBINATIONS_FILE = "combinations.csv"

# children.csv (§3)
CHILD_ID = "申請者番号"
HOUSEHOLD_ID = "世帯番号"
AGE = "年齢"
POINTS = "点数"
PATTERN = "きょうだいパターン"
CURRENT = "在籍施設ID"
WISH = re.compile(r"第([0-9]+)希望施設")
WISH_POINTS = re.compile(r"第([0-9]+)希望点数")


def wish(n: int) -> str:
    """The column of the n-th wish (第N希望施設)."""
    return f"第{n}希望施設"


def wish_points(n: int) -> str:
    """The column of the points at the n-th wish (第N希望点数)."""
    return f"第{n}希望点数"


def points_column(per_wish: bool) -> str:
    """The column of a child's points: 点数, or 第1希望点数 when the table gives points per wish."""
    return wish_points(1) if per_wish else POINTS


# daycares.csv (§4)
FACILITY_ID = "施設ID"
FACILITY_NAME = "施設名"
SEATS = tuple(f"{g}歳定員" for g in AGES)

# combinations.csv (§5.5)
FAMILY = "ファミリーコード"
RANK = "総当たり順位"
PAIR_CHILD = re.compile(r"宛名コード([0-9]+)")
PAIR_FACILITY = re.compile(r"希望施設([0-9]+)")


def pair_child(n: int) -> str:
    return f"宛名コード{n}"


def pair_facility(n: int) -> str:
    return f"希望施設{n}"


# result (§8)
RESULT_CHILD = "child_id"
RESULT_FACILITY = "daycare_id"
