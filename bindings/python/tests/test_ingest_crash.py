"""A `kill -9` in the middle of an ingest leaves the store as it was before
that file: what the public-data path promises ("a malformed file changes
nothing", and a crash neither)."""

import os
import signal
import sqlite3
import subprocess
import time

from conftest import REPO, SERVER_BIN

HEADER = ("accountingYearMonthNumber|symbolCode|issueName|issuerServicesGroupExchangeCode|marketClassCode|"
          "currentShortPositionQuantity|previousShortPositionQuantity|stockSplitFlag|averageDailyVolumeQuantity|"
          "daysToCoverQuantity|revisionFlag|changePercent|changePreviousNumber|settlementDate")


def dump(store):
    with sqlite3.connect(store) as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        return (db.execute("SELECT * FROM us_short_interest ORDER BY symbol, day").fetchall(),
                db.execute("SELECT * FROM hk_short_interest ORDER BY symbol, day").fetchall())


def test_a_kill_during_ingest_leaves_the_store_as_before(tmp_path):
    store = tmp_path / "crash.sqlite"
    subprocess.run([str(SERVER_BIN), "ingest", "sfc", *map(str, sorted((REPO / "samples" / "sfc").glob("*.csv"))),
                    "--store", str(store)], check=True, capture_output=True)
    subprocess.run([str(SERVER_BIN), "ingest", "finra", *map(str, sorted((REPO / "samples" / "finra").glob("*.csv"))),
                    "--store", str(store)], check=True, capture_output=True)
    before = dump(store)

    # Many settlement days in one file: one long transaction.
    big = tmp_path / "shrt-big.csv"
    with open(big, "w") as out:
        out.write(HEADER + "\n")
        for day in range(1, 29):
            for i in range(20000):
                out.write("202502%02d|K%05d|Issue|A|NYSE|%d|0||%d|1.00||0|0|2025-02-%02d\n" % (day, i, i + 1, i + 2, day))

    wal = tmp_path / "crash.sqlite-wal"
    wal_before = wal.stat().st_size if wal.exists() else 0
    ingest = subprocess.Popen([str(SERVER_BIN), "ingest", "finra", str(big), "--store", str(store)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and ingest.poll() is None:
        if wal.exists() and wal.stat().st_size > wal_before + 1_000_000:
            break                                   # the transaction is writing
        time.sleep(0.005)
    assert ingest.poll() is None, "the ingest ended before it could be interrupted; make the file bigger"
    os.kill(ingest.pid, signal.SIGKILL)
    assert ingest.wait(10) == -signal.SIGKILL

    assert dump(store) == before
    # And the store is still usable: the same file goes in whole.
    subprocess.run([str(SERVER_BIN), "ingest", "finra", str(big), "--store", str(store)], check=True, capture_output=True)
    us, hk = dump(store)
    assert len(us) == len(before[0]) + 28 * 20000 and hk == before[1]
