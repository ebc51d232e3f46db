/// The store's tables and the SQL that reads and derives them.
///
/// Rows are keyed by market (one table each), symbol and trading day. A NULL
/// column is an absent field: it is never written as 0 and never read as 0.
enum StoreSchema {
    static let version = 2

    static let create = tables + dayIndexes

    /// Version 2: an ingest replaces whole days and derives fields for them;
    /// without these, each file scanned the whole table (0.62 s for one FINRA
    /// file into a 20-year store, 0.07 s into an empty one).
    static let dayIndexes = [
        "CREATE INDEX IF NOT EXISTS us_short_interest_day ON us_short_interest (day)",
        "CREATE INDEX IF NOT EXISTS hk_short_interest_day ON hk_short_interest (day)",
    ]

    private static let tables = [
        """
        CREATE TABLE us_short_interest (
            symbol TEXT NOT NULL,
            day TEXT NOT NULL,               -- YYYY-MM-DD, FINRA settlement date
            timestamp INTEGER NOT NULL,      -- midnight America/New_York
            shares_short INTEGER,
            avg_daily_share_volume INTEGER,
            days_to_cover REAL,
            short_percent REAL,              -- derived from reference float / shares outstanding
            close_price REAL,                -- derived from reference closes
            last_close_price REAL,           -- derived from reference closes
            PRIMARY KEY (symbol, day)
        ) WITHOUT ROWID
        """,
        """
        CREATE TABLE hk_short_interest (
            symbol TEXT NOT NULL,
            day TEXT NOT NULL,               -- YYYY-MM-DD, SFC reporting day
            timestamp INTEGER NOT NULL,      -- midnight UTC+8
            aggregated_short INTEGER,
            close_price REAL,                -- HK$ / shares, from the SFC file itself
            aggregated_short_ratio REAL,     -- derived from reference shares outstanding
            last_close_price REAL,           -- derived from reference closes
            PRIMARY KEY (symbol, day)
        ) WITHOUT ROWID
        """,
        """
        CREATE TABLE reference (
            market TEXT NOT NULL,
            symbol TEXT NOT NULL,
            day TEXT NOT NULL,
            close REAL,
            shares_outstanding INTEGER,
            float INTEGER,
            PRIMARY KEY (market, symbol, day)
        ) WITHOUT ROWID
        """,
        """
        CREATE TABLE page_cache (
            market TEXT NOT NULL,
            symbol TEXT NOT NULL,
            next_key TEXT NOT NULL,          -- '' for the newest page
            num INTEGER NOT NULL,
            fetched_at INTEGER NOT NULL,     -- unix seconds
            page TEXT NOT NULL,              -- the page as ShortInterestPage.json
            PRIMARY KEY (market, symbol, next_key, num)
        ) WITHOUT ROWID
        """,
    ]

    static let usPage = """
        SELECT day, timestamp, shares_short, short_percent, avg_daily_share_volume, days_to_cover, close_price, last_close_price
        FROM us_short_interest WHERE symbol = ?1 AND day <= ?2 ORDER BY day DESC LIMIT ?3
        """

    static let hkPage = """
        SELECT day, timestamp, aggregated_short, aggregated_short_ratio, close_price, last_close_price
        FROM hk_short_interest WHERE symbol = ?1 AND day <= ?2 ORDER BY day DESC LIMIT ?3
        """

    /// Recomputes the US fields that come from reference data, for the rows
    /// `filter` selects. Each is NULL unless its inputs exist: the close on
    /// the day itself; the last close on the latest earlier reference day;
    /// the short percent against the float, or shares outstanding without one.
    static func deriveUS(where filter: String) -> String {
        """
        UPDATE us_short_interest SET
            close_price = (SELECT r.close FROM reference r
                WHERE r.market = 'US' AND r.symbol = us_short_interest.symbol AND r.day = us_short_interest.day),
            last_close_price = (SELECT r.close FROM reference r
                WHERE r.market = 'US' AND r.symbol = us_short_interest.symbol AND r.day < us_short_interest.day
                  AND r.close IS NOT NULL ORDER BY r.day DESC LIMIT 1),
            short_percent = (SELECT round(us_short_interest.shares_short * 100.0 / coalesce(r.float, r.shares_outstanding), 2)
                FROM reference r
                WHERE r.market = 'US' AND r.symbol = us_short_interest.symbol AND r.day <= us_short_interest.day
                  AND coalesce(r.float, r.shares_outstanding) > 0 ORDER BY r.day DESC LIMIT 1)
        WHERE \(filter)
        """
    }

    /// The HK counterpart: the ratio against shares outstanding and the
    /// previous trading day's close. The close itself comes from the SFC file.
    static func deriveHK(where filter: String) -> String {
        """
        UPDATE hk_short_interest SET
            last_close_price = (SELECT r.close FROM reference r
                WHERE r.market = 'HK' AND r.symbol = hk_short_interest.symbol AND r.day < hk_short_interest.day
                  AND r.close IS NOT NULL ORDER BY r.day DESC LIMIT 1),
            aggregated_short_ratio = (SELECT round(hk_short_interest.aggregated_short * 100.0 / r.shares_outstanding, 2)
                FROM reference r
                WHERE r.market = 'HK' AND r.symbol = hk_short_interest.symbol AND r.day <= hk_short_interest.day
                  AND r.shares_outstanding > 0 ORDER BY r.day DESC LIMIT 1)
        WHERE \(filter)
        """
    }
}
