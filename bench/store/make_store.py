#!/usr/bin/env python3
"""Builds the store of the store benchmark: 20 years (2006-2025) of both
markets, the way users build one, from files in the public sources' own
formats ingested with `shortinterest ingest`:

- US: 480 FINRA files (the 15th and the last day of each month, moved back
  to a weekday), 10,500 symbols each: 5,040,000 rows. Files before
  2019-01-14 use FINRA's older column names, later ones the current names.
- HK: 1,043 SFC files (every Friday), 1,000 stock codes each: 1,043,000 rows.

    python3 bench/store/make_store.py /tmp/si-store      # 550 MB of files, then the ingest

writes FOLDER/finra/*.csv, FOLDER/sfc/*.csv, FOLDER/codes-us.txt and
FOLDER/codes-hk.txt (every code in the store, one a line, for
bench/c/store_latency) and FOLDER/store.sqlite.
Files already there are kept (they come out the same every time), so a
rerun only ingests again. No reference data is ingested: US rows carry what FINRA files carry
(timestamp, day, shares short, average daily volume, days to cover), HK rows
what SFC files carry (timestamp, day, aggregated short, close price).
The numbers are made up; the formats are the real ones (samples/README.md).
"""

import argparse
import datetime
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
CLI = REPO / "build" / "bin" / "shortinterest"
YEARS = range(2006, 2026)
US_SYMBOLS = 10_500
HK_CODES = 1_000
# FINRA renamed its columns on 2019-01-14 (samples/README.md); older files also write the date YYYYMMDD.
FINRA_CURRENT_SINCE = datetime.date(2019, 1, 14)
FINRA_CURRENT = ("accountingYearMonthNumber|symbolCode|issueName|issuerServicesGroupExchangeCode|marketClassCode|"
                 "currentShortPositionQuantity|previousShortPositionQuantity|stockSplitFlag|averageDailyVolumeQuantity|"
                 "daysToCoverQuantity|revisionFlag|changePercent|changePreviousNumber|settlementDate")
FINRA_OLDER = ("settlementDate|issueSymbolIdentifier|issueName|marketCategoryCode|currentShortShareNumber|"
               "previousShortShareNumber|changePreviousNumber|changePercent|averageDailyShareVolume|"
               "daysToCoverNumber|stockSplitFlag|revisionFlag")
SFC_HEADER = ("Date,Stock Code,Stock Name,Aggregated Reportable Short Positions (Shares),"
              "Aggregated Reportable Short Positions (HK$)")


def us_symbols():
    """10,500 distinct four-letter symbols, scattered over the alphabet as real ones are."""
    symbols = []
    for i in range(US_SYMBOLS):
        n = (i * 7919 + 12345) % 26 ** 4      # 7919 is prime to 26^4: no two i share a symbol
        symbols.append("".join(chr(65 + n // 26 ** k % 26) for k in (3, 2, 1, 0)))
    return symbols


def hk_codes():
    """1,000 SFC stock codes (1, 4, 7, ...): the files write them unpadded, OpenD codes pad to 5 digits."""
    return [1 + 3 * i for i in range(HK_CODES)]


def weekday_on_or_before(day):
    while day.weekday() >= 5:
        day -= datetime.timedelta(days=1)
    return day


def finra_days():
    for year in YEARS:
        for month in range(1, 13):
            yield weekday_on_or_before(datetime.date(year, month, 15))
            first_of_next = datetime.date(year + month // 12, month % 12 + 1, 1)
            yield weekday_on_or_before(first_of_next - datetime.timedelta(days=1))


def sfc_days():
    day = datetime.date(YEARS[0], 1, 1)
    day += datetime.timedelta(days=(4 - day.weekday()) % 7)       # the first Friday
    while day.year <= YEARS[-1]:
        yield day
        day += datetime.timedelta(days=7)


def write_whole(path, data):
    """Writes by renaming a finished file into place: an interrupted run leaves no half file to be kept."""
    partial = path.with_name(path.name + ".partial")
    partial.write_bytes(data)
    partial.replace(path)


def write_finra(folder, symbols):
    folder.mkdir(parents=True, exist_ok=True)
    for n, day in enumerate(finra_days()):
        compact = day.strftime("%Y%m%d")
        path = folder / ("shrt%s.csv" % compact)
        if path.exists():
            continue
        lines = []
        for i, symbol in enumerate(symbols):
            short = 10_000 + (i * 7_919 + n * 104_729) % 90_000_000
            previous = 10_000 + (i * 7_919 + (n - 1) * 104_729) % 90_000_000
            volume = 1_000 + (i * 3_571 + n * 15_485_863) % 40_000_000
            cover = "%.2f" % max(1.0, min(99.99, short / volume))
            change = short - previous
            percent = "%.2f" % (100.0 * change / previous)
            if day >= FINRA_CURRENT_SINCE:
                lines.append("%s|%s|%s Corp. Common Stock|A|NYSE|%d|%d||%d|%s||%s|%d|%s"
                             % (compact, symbol, symbol, short, previous, volume, cover, percent, change, day.isoformat()))
            else:
                lines.append("%s|%s|%s Corp. Common Stock|NYSE|%d|%d|%d|%s|%d|%s||"
                             % (compact, symbol, symbol, short, previous, change, percent, volume, cover))
        header = FINRA_CURRENT if day >= FINRA_CURRENT_SINCE else FINRA_OLDER
        write_whole(path, (header + "\n" + "\n".join(lines) + "\n").encode())


def write_sfc(folder, codes):
    """As the SFC publishes them: a BOM, CRLF, quoted thousands separators, a trailing blank line."""
    folder.mkdir(parents=True, exist_ok=True)
    for n, day in enumerate(sfc_days()):
        path = folder / ("Short_Position_Reporting_Aggregated_Data_%s.csv" % day.strftime("%Y%m%d"))
        if path.exists():
            continue
        lines = ["\ufeff" + SFC_HEADER]
        for i, code in enumerate(codes):
            shares = (i * 104_729 + n * 7_919) % 200_000_000
            price = 1.0 + (i * 37 + n) % 600 + ((i + n) % 100) / 100
            lines.append('%s,%d,STOCK %d,"{:,}","{:,}"'.format(shares, round(shares * price))
                         % (day.strftime("%d/%m/%Y"), code, code))
        write_whole(path, ("\r\n".join(lines) + "\r\n\r\n").encode())


def ingest(kind, files, store):
    started = time.monotonic()
    subprocess.run([str(CLI), "ingest", kind, *map(str, files), "--store", str(store)], check=True,
                   stdout=subprocess.DEVNULL)
    print("ingest %s: %d files in %.1f s" % (kind, len(files), time.monotonic() - started))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("folder", nargs="?", default="/tmp/si-store")
    ap.add_argument("--files-only", action="store_true", help="write the files, skip the ingest")
    args = ap.parse_args()
    folder = Path(args.folder)
    symbols, codes = us_symbols(), hk_codes()
    write_finra(folder / "finra", symbols)
    write_sfc(folder / "sfc", codes)
    (folder / "codes-us.txt").write_text("".join("US.%s\n" % s for s in symbols))
    (folder / "codes-hk.txt").write_text("".join("HK.%05d\n" % c for c in codes))
    if args.files_only:
        return
    if not CLI.exists():
        sys.exit("missing %s: run `make cli` first" % CLI)
    store = folder / "store.sqlite"
    for stale in (store, Path(str(store) + "-wal"), Path(str(store) + "-shm")):
        stale.unlink(missing_ok=True)
    ingest("finra", sorted((folder / "finra").glob("*.csv")), store)
    ingest("sfc", sorted((folder / "sfc").glob("*.csv")), store)
    print("%s: %.0f MB" % (store, store.stat().st_size / 1e6))


if __name__ == "__main__":
    main()
