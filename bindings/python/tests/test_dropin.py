"""Drop-in equality with futu-api against the same loopback server."""

import numpy as np
import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

import futu
from shortinterest import RET_ERROR, RET_OK

from conftest import LIB, SERVER_BIN


def test_build_present():
    """Fails (does not skip) when the artifacts the suite needs are missing."""
    assert SERVER_BIN.exists(), "missing %s: run `make cli`" % SERVER_BIN
    assert LIB.exists(), "missing %s: run `make lib`" % LIB


def assert_same_result(mine, theirs):
    assert len(mine) == len(theirs) == 3
    assert mine[0] == theirs[0] == RET_OK, (mine[1], theirs[1])
    for a, b in ((mine[1], theirs[1]), (mine[2], theirs[2])):
        assert isinstance(a, pd.DataFrame)
        assert_frame_equal(a, b, check_exact=True)
        assert list(a.columns) == list(b.columns)
        assert a.dtypes.to_dict() == b.dtypes.to_dict()
        assert a.attrs == b.attrs
        # values the same objects/types too (exact ints, None vs NaN)
        assert repr(a.values.tolist()) == repr(b.values.tolist())


def walk_both(ours, futu_ctx, code, num):
    """Pages through `code` with both clients in step; returns futu's pages."""
    pages, key = [], None
    for _ in range(100):
        mine = ours.get_short_interest(code, next_key=key, num=num)
        theirs = futu_ctx.get_short_interest(code, next_key=key, num=num)
        assert_same_result(mine, theirs)
        pages.append(theirs)
        key = theirs[1].attrs["next_key"]
        if key == "-1":
            return pages
    raise AssertionError("no last page after 100 pages")


@pytest.mark.parametrize("code,num,n_pages", [
    ("HK.00700", 3, 4),
    ("HK.00700", None, 1),
    ("HK.00700", 10, 1),
    ("HK.00700", 4, 3),
    ("US.AAPL", 10, 3),
    ("US.AAPL", 50, 1),
    ("US.AAPL", None, 3),
    ("US.AAPL", 7, 4),
    ("US.BRK.B", None, 1),
    ("US.BRK.B", 3, 2),
    ("US.SPARSE", 1, 7),
    ("US.SPARSE", 2, 4),
    ("US.SPARSE", 3, 3),
    ("US.SPARSE", 10, 1),
    ("HK.09999", None, 1),
    ("HK.09999", 50, 1),
])
def test_pages_equal_futu(ours, futu_ctx, code, num, n_pages):
    pages = walk_both(ours, futu_ctx, code, num)
    assert len(pages) == n_pages
    rows = sum(len(p[1]) + len(p[2]) for p in pages)
    expected_rows = {"HK.00700": 10, "US.AAPL": 25, "US.BRK.B": 4, "US.SPARSE": 7, "HK.09999": 0}
    assert rows == expected_rows[code]


def test_seed_page(ours):
    ret, us_df, hk_df = ours.get_short_interest("HK.00700")
    assert ret == RET_OK
    assert us_df.empty and list(us_df.columns) == [
        "timestamp", "timestamp_str", "shares_short", "short_percent",
        "avg_daily_share_volume", "days_to_cover", "close_price", "last_close_price"]
    assert list(hk_df.columns) == [
        "timestamp", "timestamp_str", "aggregated_short", "aggregated_short_ratio",
        "close_price", "last_close_price"]
    assert len(hk_df) == 10
    assert hk_df.iloc[0].tolist() == [1777478400, "2026-04-30", 51480638, 0.56, 467.8, 479.2]
    assert hk_df.iloc[9].tolist() == [1772121600, "2026-02-27", 36037870, 0.39, 518.0, 512.0]
    assert hk_df.attrs == us_df.attrs == {"next_key": "-1"}


def test_big_integers_stay_exact(ours, futu_ctx):
    # US.SPARSE row 2 has shares_short 2**53 + 1: alone on its page the column
    # is int64 and exact, as futu-api shows it.
    mine = ours.get_short_interest("US.SPARSE", next_key="2", num=1)
    theirs = futu_ctx.get_short_interest("US.SPARSE", next_key="2", num=1)
    assert_same_result(mine, theirs)
    us = mine[1]
    assert us["shares_short"].dtype == np.int64
    assert int(us["shares_short"].iloc[0]) == 9007199254740993
    assert us["short_percent"].dtype == object and us["short_percent"].iloc[0] is None
    # avg_daily_share_volume 10**19 + 1 is above int64: uint64, still exact.
    mine = ours.get_short_interest("US.SPARSE", next_key="4", num=1)
    theirs = futu_ctx.get_short_interest("US.SPARSE", next_key="4", num=1)
    assert_same_result(mine, theirs)
    us = mine[1]
    assert us["avg_daily_share_volume"].dtype == np.uint64
    assert int(us["avg_daily_share_volume"].iloc[0]) == 10000000000000000001
    assert us["timestamp_str"].isna().all()


def test_last_key_minus_one(ours, futu_ctx):
    mine = ours.get_short_interest("HK.00700", next_key="-1")
    theirs = futu_ctx.get_short_interest("HK.00700", next_key="-1")
    assert_same_result(mine, theirs)


def test_empty_next_key_is_first_page(ours, futu_ctx):
    assert_same_result(ours.get_short_interest("US.AAPL", next_key="", num=5),
                       futu_ctx.get_short_interest("US.AAPL", next_key="", num=5))


@pytest.mark.parametrize("code,num", [
    ("US.NOPE", None),
    ("HK.12345", 5),
    ("XX.123", None),
    ("HK.", None),
    ("HK", None),
    ("", None),
    ("SH.600000", None),
    ("HK.00700", 0),
    ("HK.00700", 51),
    ("HK.00700", -3),
    (None, None),
    (700, None),
    (b"HK.00700", None),
])
def test_errors_match_futu(ours, futu_ctx, code, num):
    mine = ours.get_short_interest(code, num=num)
    theirs = futu_ctx.get_short_interest(code, num=num)
    assert theirs[0] == RET_ERROR
    assert mine[0] == theirs[0] == futu.RET_ERROR
    assert isinstance(mine[1], str) and mine[1]
    assert mine[2] is None and theirs[2] is None
    assert len(mine) == 3


def test_unknown_code_message_names_the_code(ours):
    ret, msg, none = ours.get_short_interest("US.NOPE")
    assert ret == RET_ERROR and "US.NOPE" in msg and none is None


def test_constants_match_futu():
    import shortinterest
    assert shortinterest.RET_OK == futu.RET_OK == 0
    assert shortinterest.RET_ERROR == futu.RET_ERROR == -1


@pytest.mark.parametrize("key", ["bogus", "999", "-2"])
def test_unissued_next_key(ours, futu_ctx, key):
    mine = ours.get_short_interest("HK.00700", next_key=key, num=3)
    theirs = futu_ctx.get_short_interest("HK.00700", next_key=key, num=3)
    assert mine[0] == theirs[0] == RET_ERROR
    assert isinstance(mine[1], str) and mine[1] and mine[2] is None


def test_key_past_the_end(ours, futu_ctx):
    assert_same_result(ours.get_short_interest("HK.00700", next_key="10", num=3),
                       futu_ctx.get_short_interest("HK.00700", next_key="10", num=3))
