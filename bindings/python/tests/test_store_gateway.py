"""The public-data path end to end: samples/ -> a store (`shortinterest
ingest`) -> this package reading it directly, and `shortinterest serve` over
it read by futu-api (the reference client) and by this package over OpenD's
protocol.  HK.00700 must come out as OpenD's own answer in the seed document,
whose table is read from a verbatim copy of it (Tests/fixtures)."""

import re
import subprocess

import pytest
from pandas.testing import assert_frame_equal

from conftest import REPO, SERVER_BIN, futu_context, start_server, stop_server

SEED = REPO / "Tests" / "fixtures" / "opend-hk00700-seed.txt"
HK_COLUMNS = ["timestamp", "timestamp_str", "aggregated_short", "aggregated_short_ratio", "close_price", "last_close_price"]


def seed_rows():
    """The ten rows of the seed document's example output."""
    pattern = re.compile(r"^\s*\d+\s+(\d{10})\s+(\d{4}-\d\d-\d\d)\s+(\d+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s*$")
    rows = []
    for line in SEED.read_text().splitlines():
        m = pattern.match(line)
        if m:
            rows.append((int(m[1]), m[2], int(m[3]), float(m[4]), float(m[5]), float(m[6])))
    assert len(rows) == 10, "the seed document's table has changed"
    return rows


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    path = tmp_path_factory.mktemp("store") / "samples.sqlite"
    for kind, files in (("finra", sorted((REPO / "samples" / "finra").glob("*.csv"))),
                        ("sfc", sorted((REPO / "samples" / "sfc").glob("*.csv"))),
                        ("reference", [REPO / "samples" / "reference.csv"])):
        subprocess.run([str(SERVER_BIN), "ingest", kind, *map(str, files), "--store", str(path)],
                       check=True, capture_output=True)
    return path


@pytest.fixture(scope="module")
def gateway(store, tmp_path_factory):
    srv = start_server(source=["--store", str(store)], log_path=tmp_path_factory.mktemp("gw") / "serve.log")
    yield srv
    stop_server(srv)


@pytest.fixture(scope="module")
def futu_on_gateway(gateway):
    yield from futu_context(gateway)


def test_the_store_gives_opends_answer_for_tencent(store):
    from shortinterest import RET_OK, OpenQuoteContext
    with OpenQuoteContext(store=str(store)) as ctx:
        ret, us_df, hk_df = ctx.get_short_interest("HK.00700")
    assert ret == RET_OK
    assert us_df.empty and list(hk_df.columns) == HK_COLUMNS
    assert [tuple(row) for row in hk_df.itertuples(index=False)] == seed_rows()
    assert hk_df.attrs["next_key"] == "-1"


def test_futu_api_reads_the_seed_rows_through_the_gateway(futu_on_gateway):
    ret, us_df, hk_df = futu_on_gateway.get_short_interest("HK.00700")
    assert ret == 0
    assert [tuple(row) for row in hk_df.itertuples(index=False)] == seed_rows()
    assert hk_df.attrs["next_key"] == "-1"


@pytest.mark.parametrize("code,num", [("HK.00700", 3), ("US.AAPL", 1), ("US.GME", 1)])
def test_futu_api_and_this_package_page_to_the_end_alike(futu_on_gateway, gateway, store, code, num):
    from shortinterest import OpenQuoteContext
    with OpenQuoteContext(host=gateway.host, port=gateway.port, rate_limit=None) as over_gateway, \
            OpenQuoteContext(store=str(store)) as embedded:
        next_key, pages = None, 0
        while True:
            theirs = futu_on_gateway.get_short_interest(code, next_key=next_key, num=num)
            for ours in (over_gateway.get_short_interest(code, next_key=next_key, num=num),
                         embedded.get_short_interest(code, next_key=next_key, num=num)):
                assert ours[0] == theirs[0] == 0
                for mine, reference in zip(ours[1:], theirs[1:]):
                    assert_frame_equal(mine, reference)
                    assert mine.attrs == reference.attrs
            pages += 1
            next_key = theirs[1].attrs["next_key"]
            if next_key == "-1":
                break
    assert pages >= 2


def test_aapl_carries_finras_real_figures(futu_on_gateway):
    ret, us_df, _ = futu_on_gateway.get_short_interest("US.AAPL")
    assert ret == 0
    newest = us_df.iloc[0]
    assert (newest.timestamp_str, newest.shares_short, newest.avg_daily_share_volume, newest.days_to_cover) == \
        ("2026-04-30", 134675274, 45944025, 2.93)
    assert newest.timestamp == 1777521600


def test_a_missing_store_is_a_clear_error(tmp_path):
    from shortinterest import OpenQuoteContext
    with pytest.raises(OSError, match="no store at"):
        OpenQuoteContext(store=str(tmp_path / "nothing.sqlite"))
