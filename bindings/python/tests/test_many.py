"""Whole histories with a page limit, and many codes with progress."""

import threading

from pandas.testing import assert_frame_equal

from shortinterest import RET_ERROR, RET_INCOMPLETE, RET_OK


def test_stopping_at_max_pages_is_a_distinct_status(ours):
    ret, us_df, _ = ours.get_short_interest_all("US.LONG", num=50, max_pages=2)
    assert ret == RET_INCOMPLETE
    assert len(us_df) == 100 and us_df.attrs["next_key"] not in ("-1", "")
    ret, whole, _ = ours.get_short_interest_all("US.LONG", num=50)
    assert ret == RET_OK and len(whole) == 120 and whole.attrs["next_key"] == "-1"
    assert list(whole.timestamp_str[:100]) == list(us_df.timestamp_str)


def test_many_codes_with_a_bad_one_among_good_ones(ours):
    calls = []
    caller = threading.get_ident()

    def progress(done, count, code, ret):
        calls.append((done, count, code, ret, threading.get_ident()))

    codes = ["HK.00700", "XX.1", "US.AAPL", "US.NOPE", "US.LONG"]
    results = ours.get_short_interest_many(codes, progress=progress)
    assert list(results) == codes
    for code in ("HK.00700", "US.AAPL", "US.LONG"):
        ret, us_df, hk_df = results[code]
        expected = ours.get_short_interest_all(code)
        assert ret == RET_OK == expected[0]
        assert_frame_equal(us_df, expected[1])
        assert_frame_equal(hk_df, expected[2])
    assert results["XX.1"][0] == RET_ERROR and "XX" in results["XX.1"][1]
    assert results["US.NOPE"] == (RET_ERROR, "unknown stock US.NOPE", None)
    assert [c[0] for c in calls] == [1, 2, 3, 4, 5]
    assert {c[2] for c in calls} == set(codes) and all(c[1] == 5 for c in calls)
    assert {c[2]: c[3] for c in calls}["XX.1"] == RET_ERROR
    assert all(c[4] == caller for c in calls), "progress runs on the calling thread"


def test_many_codes_stop_at_max_pages_per_code(ours):
    results = ours.get_short_interest_many(["US.LONG", "HK.00700"], max_pages=1)
    assert results["US.LONG"][0] == RET_INCOMPLETE and len(results["US.LONG"][1]) == 50
    assert results["HK.00700"][0] == RET_OK
