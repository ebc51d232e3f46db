"""get_short_interest_all, iter_short_interest and the records form."""

import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

from shortinterest import RET_ERROR, RET_OK, ShortInterestError
from conftest import futu_style_frame
from shortinterest._frames import HK_COLUMNS, US_COLUMNS


def futu_pages(futu_ctx, code, num):
    pages, key = [], None
    while True:
        ret, us, hk = futu_ctx.get_short_interest(code, next_key=key, num=num)
        assert ret == RET_OK, us
        pages.append((us, hk))
        key = us.attrs["next_key"]
        if key == "-1":
            return pages


def concat(frames):
    nonempty = [f for f in frames if len(f)]
    if not nonempty:
        out = frames[0].copy()
    else:
        out = pd.concat(nonempty, ignore_index=True)
    out.attrs = {"next_key": "-1"}
    return out


@pytest.mark.parametrize("code,num", [
    ("HK.00700", 3), ("HK.00700", 4), ("HK.00700", 50), ("US.AAPL", 50),
    ("US.BRK.B", 3), ("US.BRK.B", 1), ("HK.09999", 50),
])
def test_all_equals_concatenated_futu_pages(ours, futu_ctx, code, num):
    pages = futu_pages(futu_ctx, code, num)
    ret, us, hk = ours.get_short_interest_all(code, num=num)
    assert ret == RET_OK
    assert_frame_equal(us, concat([p[0] for p in pages]), check_exact=True)
    assert_frame_equal(hk, concat([p[1] for p in pages]), check_exact=True)
    assert us.attrs == hk.attrs == {"next_key": "-1"}


@pytest.mark.parametrize("code,num", [
    ("US.AAPL", 10), ("US.AAPL", 7), ("US.AAPL", 1), ("US.SPARSE", 2), ("US.SPARSE", 3),
])
def test_all_values_equal_concatenated_futu_pages(ours, futu_ctx, code, num):
    # When a field is absent from every row of one page but not of another,
    # pd.concat of futu-api's pages mixes None into a float column (object
    # dtype).  get_short_interest_all gives the dtypes of one page holding
    # every row (next test); the values are the concatenation's.
    pages = futu_pages(futu_ctx, code, num)
    ret, us, hk = ours.get_short_interest_all(code, num=num)
    assert ret == RET_OK
    for mine, frames in ((us, [p[0] for p in pages]), (hk, [p[1] for p in pages])):
        expected = concat(frames)
        assert len(mine) == len(expected)
        if len(expected):
            assert_frame_equal(mine, expected.infer_objects(), check_dtype=False, check_exact=True)


@pytest.mark.parametrize("code,num", [
    ("US.AAPL", 10), ("US.AAPL", 7), ("US.AAPL", 1),
    ("US.SPARSE", 1), ("US.SPARSE", 2), ("US.SPARSE", 3), ("US.SPARSE", 50),
    ("HK.00700", 3),
])
def test_all_equals_one_big_futu_page(ours, futu_ctx, code, num):
    # Every history here fits in one page of 50: futu-api's answer to num=50
    # is the whole history.
    ret, f_us, f_hk = futu_ctx.get_short_interest(code, num=50)
    assert ret == RET_OK and f_us.attrs["next_key"] == "-1"
    ret, us, hk = ours.get_short_interest_all(code, num=num)
    assert ret == RET_OK
    assert_frame_equal(us, f_us, check_exact=True)
    assert_frame_equal(hk, f_hk, check_exact=True)
    assert us.attrs == hk.attrs == f_us.attrs


def test_all_error(ours):
    ret, msg, none = ours.get_short_interest_all("US.NOPE")
    assert ret == RET_ERROR and isinstance(msg, str) and msg and none is None
    assert ours.get_short_interest_all(123)[0] == RET_ERROR
    assert ours.get_short_interest_all("HK.00700", num=0)[0] == RET_ERROR


def test_iter_pages(ours, futu_ctx):
    pages = list(ours.iter_short_interest("US.AAPL", num=10))
    theirs = futu_pages(futu_ctx, "US.AAPL", 10)
    assert len(pages) == len(theirs) == 3
    for (a_us, a_hk), (b_us, b_hk) in zip(pages, theirs):
        assert_frame_equal(a_us, b_us, check_exact=True)
        assert_frame_equal(a_hk, b_hk, check_exact=True)
        assert a_us.attrs == b_us.attrs and a_hk.attrs == b_hk.attrs
    assert len(list(ours.iter_short_interest("HK.09999"))) == 1


def test_iter_raises(ours):
    it = ours.iter_short_interest("US.NOPE")
    with pytest.raises(ShortInterestError) as info:
        next(it)
    assert "US.NOPE" in str(info.value)
    assert info.value.status == 6           # SI_ERR_REJECTED
    assert info.value.opend_ret_type == -1
    with pytest.raises(ShortInterestError):
        next(ours.iter_short_interest("XX.1"))


@pytest.mark.parametrize("code,num", [
    ("HK.00700", 3), ("US.AAPL", 10), ("US.AAPL", 50), ("US.BRK.B", None),
    ("US.SPARSE", 1), ("US.SPARSE", 3), ("US.SPARSE", 10), ("HK.09999", None),
])
def test_records_match_futu(ours, futu_ctx, code, num):
    key = None
    while True:
        ret, rec = ours.get_short_interest_records(code, next_key=key, num=num)
        assert ret == RET_OK
        f_ret, f_us, f_hk = futu_ctx.get_short_interest(code, next_key=key, num=num)
        assert f_ret == RET_OK
        assert set(rec) == {"market", "code", "next_key", "us", "hk"}
        assert rec["market"] == code.split(".")[0]
        assert rec["code"] == code
        assert rec["next_key"] == f_us.attrs["next_key"]
        # The records are the dicts futu-api builds its frames from.
        assert_frame_equal(futu_style_frame(rec["us"], US_COLUMNS), f_us, check_exact=True)
        assert_frame_equal(futu_style_frame(rec["hk"], HK_COLUMNS), f_hk, check_exact=True)
        for row in rec["us"] + rec["hk"]:
            assert None not in row.values()
        key = rec["next_key"]
        if key == "-1":
            break


def test_records_exact_values(ours):
    ret, rec = ours.get_short_interest_records("US.SPARSE", num=10)
    assert ret == RET_OK
    us = rec["us"]
    assert us[1] == {"timestamp_str": "2026-04-15"}
    assert us[2]["shares_short"] == 9007199254740993 and type(us[2]["shares_short"]) is int
    assert us[4]["avg_daily_share_volume"] == 10000000000000000001
    assert "timestamp_str" not in us[4]
    assert list(us[0]) == list(US_COLUMNS)
    assert rec["hk"] == []
    ret, rec = ours.get_short_interest_records("HK.00700", num=1)
    assert rec == {"market": "HK", "code": "HK.00700", "next_key": rec["next_key"], "us": [],
                   "hk": [{"timestamp": 1777478400, "timestamp_str": "2026-04-30",
                           "aggregated_short": 51480638, "aggregated_short_ratio": 0.56,
                           "close_price": 467.8, "last_close_price": 479.2}]}


def test_records_error(ours):
    ret, msg = ours.get_short_interest_records("US.NOPE")
    assert ret == RET_ERROR and isinstance(msg, str) and "US.NOPE" in msg
    assert ours.get_short_interest_records(None)[0] == RET_ERROR
