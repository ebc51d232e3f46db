"""Writes a year of FINRA-size files (24 settlements x 22,000 rows) for the
ingest benchmark:

    python3 bench/ingest/make_finra_year.py /tmp/finra-year
    rm -f /tmp/year.sqlite*; time build/bin/shortinterest ingest finra /tmp/finra-year/*.csv --store /tmp/year.sqlite
"""

import datetime
import sys
from pathlib import Path

HEADER = ("accountingYearMonthNumber|symbolCode|issueName|issuerServicesGroupExchangeCode|marketClassCode|"
          "currentShortPositionQuantity|previousShortPositionQuantity|stockSplitFlag|averageDailyVolumeQuantity|"
          "daysToCoverQuantity|revisionFlag|changePercent|changePreviousNumber|settlementDate")


def main(folder):
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    days = []
    for month in range(1, 13):
        days.append(datetime.date(2025, month, 15))
        first_of_next = datetime.date(2025 + month // 12, month % 12 + 1, 1)
        days.append(first_of_next - datetime.timedelta(days=1))
    for day in days:
        compact = day.strftime("%Y%m%d")
        lines = [HEADER] + ["%s|S%05d|Issue %d Inc.|A|NYSE|%d|%d||%d|1.50||0.5|12|%s"
                            % (compact, i, i, i * 37 + 1000, i * 31, i * 7 + 1, day.isoformat()) for i in range(22000)]
        (out / ("shrt%s.csv" % compact)).write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "/tmp/finra-year")
