"""The column builder against pandas' own inference from dicts (no server)."""

import random

import numpy as np
import pytest
from pandas.testing import assert_frame_equal

from conftest import futu_style_frame
from shortinterest._frames import HK_COLUMNS, HK_FIELDS, HK_ROW_DTYPE, US_COLUMNS, US_FIELDS, US_ROW_DTYPE, Rows


def random_value(kind, rnd):
    if kind == "i":
        return rnd.choice([0, -1, 1777478400, 2 ** 62, -2 ** 63])
    if kind == "u":
        return rnd.choice([0, 5, 2 ** 53 + 1, 2 ** 63 - 1, 2 ** 63, 2 ** 64 - 1, 10 ** 19 + 1])
    if kind == "f":
        return rnd.choice([0.0, 0.56, -1.25, 1e300, 467.8, float("inf")])
    return rnd.choice(["2026-04-30", "", "x" * 40, "日本"])


def build(rows, columns, fields):
    """Rows as Rows.read makes them from a page, here from dicts."""
    dtype = US_ROW_DTYPE if columns == US_COLUMNS else HK_ROW_DTYPE
    if not rows:
        return Rows.empty(columns, fields, dtype)
    raw = np.zeros(len(rows), dtype=dtype)
    all_bits, any_bits = ~0, 0
    for i, row in enumerate(rows):
        bits = 0
        for col in columns:
            if col in row:
                bits |= fields[col][0]
                if fields[col][1] != "s":
                    raw[col][i] = row[col]
        raw["present"][i] = bits
        all_bits &= bits
        any_bits |= bits
    strings = {col: [r.get(col, "") for r in rows] for col in columns if fields[col][1] == "s"}
    return Rows(columns, fields, raw, strings, all_bits, any_bits)


@pytest.mark.parametrize("columns,fields", [(US_COLUMNS, US_FIELDS), (HK_COLUMNS, HK_FIELDS)])
@pytest.mark.parametrize("seed", range(60))
def test_random_presence_matches_pandas(columns, fields, seed):
    rnd = random.Random(seed)
    n = rnd.choice([0, 1, 2, 3, 7])
    p = rnd.choice([0.0, 0.3, 0.8, 1.0])
    rows = []
    for _ in range(n):
        row = {}
        for col in rnd.sample(list(columns), len(columns)):     # any key order
            if rnd.random() < p:
                row[col] = random_value(fields[col][1], rnd)
        rows.append(row)
    rows_obj = build(rows, columns, fields)
    mine = rows_obj.frame("k")
    theirs = futu_style_frame(rows, columns)
    theirs.attrs["next_key"] = "k"
    assert_frame_equal(mine, theirs, check_exact=True)
    assert repr(mine.values.tolist()) == repr(theirs.values.tolist())
    expected_records = [{c: r[c] for c in columns if c in r} for r in rows]
    assert rows_obj.records() == expected_records


def test_frames_do_not_share_mutable_parts():
    rows = [{"timestamp": 1, "timestamp_str": "2026-04-30", "close_price": 1.5}]
    first = build(rows, HK_COLUMNS, HK_FIELDS).frame("k")
    second = build(rows, HK_COLUMNS, HK_FIELDS).frame("k")
    first.columns.name = "renamed"
    first["extra"] = 1
    first.loc[0, "close_price"] = 9.0
    assert second.columns.name is None
    assert list(second.columns) == list(HK_COLUMNS)
    assert second.loc[0, "close_price"] == 1.5
