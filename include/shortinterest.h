/*
 * shortinterest.h — short-interest history of Hong Kong and US stocks.
 *
 * libshortinterest answers the question futu-api users ask with
 * get_short_interest(code, next_key, num): one page of a stock's
 * short-interest history, newest first.  It talks to a Futu OpenD gateway
 * over OpenD's own TCP protocol.  Results come back as JSON text or as C
 * structs.
 *
 * A complete program (docs/c-api.md has more):
 *
 *     #include <stdio.h>
 *     #include <shortinterest.h>
 *
 *     int main(void) {
 *         si_config *config = si_config_new();
 *         si_config_set_opend(config, "127.0.0.1", 11111);
 *         si_client *client = NULL;
 *         if (si_client_open(config, &client) != SI_OK) {
 *             fprintf(stderr, "%s\n", si_error_last()->message);
 *             si_config_free(config);
 *             return 1;
 *         }
 *         si_config_free(config);              // the client keeps a copy
 *
 *         const char *next_key = NULL;         // NULL: the newest page
 *         si_page *page = NULL;
 *         do {
 *             si_page_free(page);              // frees the previous page (NULL is fine)
 *             if (si_get_page(client, "HK.00700", next_key, 50, &page) != SI_OK) {
 *                 fprintf(stderr, "%s\n", si_error_last()->message);
 *                 break;
 *             }
 *             for (size_t i = 0; i < page->hk_count; i++) {
 *                 const si_hk_row *row = &page->hk_rows[i];
 *                 if (row->present & SI_HK_AGGREGATED_SHORT)
 *                     printf("%s %llu\n", row->timestamp_str,
 *                            (unsigned long long)row->aggregated_short);
 *             }
 *             next_key = page->next_key;       // owned by the page
 *         } while (!si_page_is_last(page));
 *         si_page_free(page);
 *         si_client_close(client);
 *         return 0;
 *     }
 *
 * Build with: cc app.c $(pkg-config --cflags --libs shortinterest)
 *
 * THREADING
 *   Every function may be called from any thread.  One client may be used
 *   from many threads at once: their requests share one connection and are
 *   in flight together.  A page call does its I/O on the calling thread (it
 *   sends its request and, while no other caller does, reads the replies of
 *   all), so it costs one round trip and no hand-off to another thread.  The
 *   library keeps a few threads of its own for timers (OpenD's keep-alive)
 *   and for si_get_history / si_get_histories.  The last-error record
 *   (si_error_last) is per thread.
 *
 * OWNERSHIP
 *   Everything the library hands out is freed by the library's own function
 *   for that kind of object: si_config_free, si_client_close, si_page_free,
 *   si_string_free.  Each accepts NULL and does nothing.  Strings passed in
 *   are copied or used only during the call; the caller keeps them.
 *
 * ERRORS
 *   Functions that can fail return an si_status.  On failure they also set
 *   the calling thread's last-error record (si_error_last) and leave their
 *   out-pointers set to NULL.  Every argument is checked: a NULL or invalid
 *   pointer argument, a string that is not UTF-8, or a number out of range
 *   gives SI_ERR_INVALID_ARGUMENT, never a crash.
 *
 * ABSENT VALUES
 *   OpenD may leave any field of a row out.  Absent is not zero: the struct
 *   rows say which fields are present in a bitmask, and the JSON leaves
 *   absent fields out of the row object.
 */
#ifndef SHORTINTEREST_H
#define SHORTINTEREST_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------------
 * Version
 * --------------------------------------------------------------------- */

#define SI_VERSION_MAJOR 1
#define SI_VERSION_MINOR 2
#define SI_VERSION_PATCH 0
/* MAJOR * 10000 + MINOR * 100 + PATCH, for #if comparisons. */
#define SI_VERSION_NUMBER (SI_VERSION_MAJOR * 10000 + SI_VERSION_MINOR * 100 + SI_VERSION_PATCH)
#define SI_VERSION_STRING "1.2.0"

/* The version of the library actually loaded, as SI_VERSION_NUMBER.  Compare
 * it with SI_VERSION_NUMBER to detect a header/library mismatch.  Within one
 * major version the ABI only grows. */
int si_version_number(void);

/* The loaded library's version as a static string, e.g. "1.2.0". */
const char *si_version(void);

/* ------------------------------------------------------------------------
 * Status codes and the last error
 * --------------------------------------------------------------------- */

typedef enum si_status {
    SI_OK = 0,
    /* A caller's argument was refused before anything was sent: NULL where a
     * pointer is required, a malformed code ("XX.123", "HK."), num outside
     * 1...50, text that is not UTF-8, a client already closed. */
    SI_ERR_INVALID_ARGUMENT = 1,
    /* No connection to OpenD could be made (refused, unreachable, bad host). */
    SI_ERR_CONNECT = 2,
    /* Connecting, or the reply, took longer than the configured timeout. */
    SI_ERR_TIMEOUT = 3,
    /* The connection closed while the request was pending.  The next call on
     * the same client connects afresh. */
    SI_ERR_DISCONNECTED = 4,
    /* The peer broke the protocol: bad frame header, bad SHA-1, oversized or
     * undecodable body.  The connection is dropped; the next call reconnects. */
    SI_ERR_PROTOCOL = 5,
    /* OpenD answered with a failure (unknown stock, too frequent, ...).
     * si_error_last() carries OpenD's retType, errCode and, as its message,
     * OpenD's retMsg unchanged. */
    SI_ERR_REJECTED = 6,
    /* Memory could not be allocated. */
    SI_ERR_NO_MEMORY = 7,
    /* A bug in the library: please report it with the message. */
    SI_ERR_INTERNAL = 8,
    /* The local store could not be opened or read (missing file, not a
     * store, newer schema, I/O error). */
    SI_ERR_STORE = 9,
    /* The client-side rate limit allows no request now (fail-fast mode) or
     * within the allowed wait (wait mode).  si_error_last()->retry_after_ms
     * says when the next slot frees.  Nothing was sent. */
    SI_ERR_RATE_LIMITED = 10,
    /* Not a failure: a whole-history call stopped at its max_pages.  Its
     * result is set and holds every row fetched; the page's next_key (not
     * "-1") is where reading stopped, so a later call can go on from it. */
    SI_INCOMPLETE = 11
    /* Later versions may add codes: treat any nonzero value other than
     * SI_INCOMPLETE as a failure. */
} si_status;

/* The name of a status code as a static string ("SI_ERR_TIMEOUT");
 * "SI_UNKNOWN_STATUS" for a value this version does not know. */
const char *si_status_name(si_status status);

/* What the calling thread's last failed call reported. */
typedef struct si_error {
    si_status status;        /* SI_OK when no call on this thread has failed */
    const char *message;     /* UTF-8, never NULL ("" when status is SI_OK) */
    /* For SI_ERR_REJECTED: OpenD's own fields; 0 and has_opend_err_code = 0 otherwise. */
    int32_t opend_ret_type;
    int32_t opend_err_code;
    int has_opend_err_code;
    /* For SI_ERR_RATE_LIMITED: milliseconds until the next request slot frees; 0 otherwise. */
    int64_t retry_after_ms;
} si_error;

/* The calling thread's last-error record; never NULL.  It is kept until the
 * next call on this thread that fails (successful calls leave it as it is, as
 * errno does), and it stays valid until the thread's next library call.  Copy
 * the message if you need it longer. */
const si_error *si_error_last(void);

/* Resets the calling thread's last-error record to SI_OK. */
void si_error_clear(void);

/* ------------------------------------------------------------------------
 * Configuration
 *
 * A configuration is an object with one setter per setting rather than a
 * JSON string: every setting is type-checked by the compiler, a wrong value
 * is refused at the setter that received it (with a message naming it), and
 * new settings arrive as new setters without changing any existing
 * signature.  Unset settings keep their defaults.
 * --------------------------------------------------------------------- */

typedef struct si_config si_config;

/* A configuration with the defaults: OpenD at 127.0.0.1:11111, connect
 * timeout 5000 ms, reply timeout 10000 ms, client id "shortinterest".
 * NULL only when out of memory. */
si_config *si_config_new(void);

/* Frees a configuration; NULL is a no-op. */
void si_config_free(si_config *config);

/* The OpenD gateway to talk to.  host: a name or an IPv4/IPv6 address;
 * port: 1...65535. */
si_status si_config_set_opend(si_config *config, const char *host, int port);

/* The longest wait to open the connection, and for the reply to any one
 * request, in milliseconds; each 1...86400000. */
si_status si_config_set_timeouts(si_config *config, int connect_timeout_ms, int reply_timeout_ms);

/* Whether a caller waiting alone for its reply (no other thread's request
 * pending on its connection) polls the socket for a while before it sleeps:
 *
 *   SI_BUSY_POLL_ADAPTIVE (the default)  poll while the connection's replies
 *       have been coming back within about 500 us (a server on the same
 *       machine or LAN), for up to twice their typical round trip, at most
 *       1 ms; never for a server farther away; and no more such callers of
 *       the process at once than it has cores less one (at least one);
 *   0                   sleep at once;
 *   1...10000           poll that many microseconds, whatever the replies.
 *
 * A sleeping thread has to be woken when the reply comes, which on a
 * virtual machine is much of a loopback round trip: one thread calling a
 * gateway on the same machine in a loop made 2.4 times the calls per second
 * from C and 1.3 to 1.4 times the DataFrame calls from Python polling
 * adaptively (BENCHMARKS.md), for a little more CPU a call (C: 41-43 us
 * against 33-38; Python: 0 to 9 % more).  A poller yields its CPU to any
 * thread waiting for it (with the server on the caller's one core, about
 * as many calls as sleeping).  The default since 1.2.0; before, 0 was, and
 * SI_BUSY_POLL_ADAPTIVE was refused. */
#define SI_BUSY_POLL_ADAPTIVE (-1)
si_status si_config_set_busy_poll(si_config *config, int microseconds);

/* The client id sent to OpenD in InitConnect (non-empty UTF-8). */
si_status si_config_set_client_id(si_config *config, const char *client_id);

typedef enum si_rate_limit_mode {
    SI_RATE_LIMIT_WAIT = 0,       /* a request past the limit waits for a slot (the default) */
    SI_RATE_LIMIT_FAIL_FAST = 1   /* ... or fails at once with SI_ERR_RATE_LIMITED */
} si_rate_limit_mode;

/* The client-side limit on short-interest requests to OpenD: at most
 * `requests` in any `window_ms` (default 30 per 30000 ms, OpenD's own limit),
 * shared by every client of the same OpenD host and port in the process, so
 * that a program with many clients or threads stays inside OpenD's quota.
 * In SI_RATE_LIMIT_WAIT mode a request waits at most max_wait_ms (default
 * 60000) for a slot.  If OpenD still answers that requests are too frequent
 * (another program may use the same account), the request is sent again
 * after a pause, up to 3 times.  The window is kept 1 % longer than given,
 * because OpenD counts requests as they arrive and arrivals jitter; a
 * retry_after_ms can so exceed window_ms by that much.  requests = 0 turns
 * the limit off (for a
 * local gateway).  A store client is never limited.
 * requests 0...100000; window_ms 1...3600000; max_wait_ms 0...86400000. */
si_status si_config_set_rate_limit(si_config *config, int requests, int window_ms,
                                   si_rate_limit_mode mode, int max_wait_ms);

typedef enum si_encryption_mode {
    SI_ENCRYPTION_AES_CBC = 0,    /* AES-128-CBC, as futu-api asks for (the default) */
    SI_ENCRYPTION_FUTU_ECB = 1    /* Futu's AES-ECB variant */
} si_encryption_mode;

/* Turns on OpenD's protocol encryption, for an OpenD configured with an RSA
 * key: rsa_key_path is that private key (PEM, 1024 bits or more; read now).
 * InitConnect travels RSA-encrypted (PKCS#1 v1.5), later bodies AES-128
 * with the key OpenD returns.  A wrong key or an OpenD that does not
 * encrypt fails the first request with SI_ERR_PROTOCOL or
 * SI_ERR_DISCONNECTED, never a hang.  NULL turns encryption off. */
si_status si_config_set_encryption(si_config *config, const char *rsa_key_path, si_encryption_mode mode);

/* Keeps OpenD's answers in a store at path (created if missing) for
 * ttl_seconds (1...31536000): a request repeated while its answer is fresh,
 * such as a whole history read again, is answered from the store and costs
 * no OpenD request.  Cached answers are OpenD's exactly.  A cache that
 * cannot be read or written is bypassed.  NULL turns caching off. */
si_status si_config_set_cache(si_config *config, const char *path, int ttl_seconds);

/* Answers from a local store (made by `shortinterest ingest`) instead of
 * OpenD: same pages, same paging, no network and no rate limit.  The store
 * is opened by si_client_open, which fails with SI_ERR_STORE if path holds
 * no store.  Pages are read on the calling thread (each concurrent caller
 * on a read-only connection of its own), and the store may be read while
 * `shortinterest ingest` writes to it.  NULL goes back to OpenD. */
si_status si_config_set_store(si_config *config, const char *path);

/* ------------------------------------------------------------------------
 * Client
 * --------------------------------------------------------------------- */

typedef struct si_client si_client;

/* Opens a client on a copy of config.  For OpenD nothing is sent until the
 * first request, so an unreachable OpenD shows up there (SI_ERR_CONNECT), not
 * here; a store is opened here.  On success *out_client is the client; close
 * it with si_client_close. */
si_status si_client_open(const si_config *config, si_client **out_client);

/* Closes a client and releases it.  Calls in flight on other threads end
 * with SI_ERR_DISCONNECTED; later calls with this handle return
 * SI_ERR_INVALID_ARGUMENT ("client is closed").  Closing twice, or NULL, is
 * a no-op: a handle is never reused for another client. */
void si_client_close(si_client *client);

/* ------------------------------------------------------------------------
 * One page of history
 *
 * code:     "MARKET.SYMBOL", split at the first dot: "HK.00700", "US.AAPL",
 *           "US.BRK.B" (US symbol "BRK.B").  Only HK and US are served.
 * next_key: NULL or "" for the newest page; otherwise the next_key of the
 *           previous page.  "-1" (the key after the last page) answers an
 *           empty page whose next_key is "-1", and sends nothing.
 * num:      rows per page, 1...50 (futu-api's default is 10).
 * --------------------------------------------------------------------- */

typedef enum si_market {
    SI_MARKET_HK = 1,   /* OpenD's market number for HK securities */
    SI_MARKET_US = 11   /* ... and for US securities */
} si_market;

/* Bits of si_us_row.present. */
#define SI_US_TIMESTAMP              (1u << 0)
#define SI_US_TIMESTAMP_STR          (1u << 1)
#define SI_US_SHARES_SHORT           (1u << 2)
#define SI_US_SHORT_PERCENT          (1u << 3)
#define SI_US_AVG_DAILY_SHARE_VOLUME (1u << 4)
#define SI_US_DAYS_TO_COVER          (1u << 5)
#define SI_US_CLOSE_PRICE            (1u << 6)
#define SI_US_LAST_CLOSE_PRICE       (1u << 7)

/* One US observation (a FINRA settlement date).  A field is meaningful only
 * when its bit is set in present; absent numbers read 0 and an absent
 * timestamp_str reads "". */
typedef struct si_us_row {
    uint32_t present;
    int64_t timestamp;               /* unix seconds, midnight America/New_York */
    const char *timestamp_str;       /* "YYYY-MM-DD", never NULL, owned by the page */
    uint64_t shares_short;
    double short_percent;            /* percent: 12.34 means 12.34 % */
    uint64_t avg_daily_share_volume;
    double days_to_cover;
    double close_price;
    double last_close_price;
} si_us_row;

/* Bits of si_hk_row.present. */
#define SI_HK_TIMESTAMP              (1u << 0)
#define SI_HK_TIMESTAMP_STR          (1u << 1)
#define SI_HK_CLOSE_PRICE            (1u << 2)
#define SI_HK_LAST_CLOSE_PRICE       (1u << 3)
#define SI_HK_AGGREGATED_SHORT       (1u << 4)
#define SI_HK_AGGREGATED_SHORT_RATIO (1u << 5)

/* One HK observation (an SFC reporting day), with the same presence rule. */
typedef struct si_hk_row {
    uint32_t present;
    int64_t timestamp;               /* unix seconds, midnight UTC+8 */
    const char *timestamp_str;       /* "YYYY-MM-DD", never NULL, owned by the page */
    double close_price;
    double last_close_price;         /* close of the previous trading day */
    uint64_t aggregated_short;       /* shares */
    double aggregated_short_ratio;   /* percent of shares outstanding */
} si_hk_row;

/* One page, newest rows first.  OpenD answers a US list and an HK list; the
 * one for the other market is empty.  Everything it points to lives in the
 * page's own allocation and is freed by si_page_free. */
typedef struct si_page {
    si_market market;
    const char *code;                /* as requested, e.g. "US.BRK.B" */
    const char *next_key;            /* key of the next page; "-1" after the last */
    size_t us_count;
    const si_us_row *us_rows;        /* us_count rows (NULL when 0) */
    size_t hk_count;
    const si_hk_row *hk_rows;        /* hk_count rows (NULL when 0) */
} si_page;

/* Fetches one page as structs.  On success *out_page is the page; free it
 * with si_page_free. */
si_status si_get_page(si_client *client, const char *code, const char *next_key,
                      int num, si_page **out_page);

/* 1 when page is the last of its history (next_key is "-1"), else 0; 1 for NULL. */
int si_page_is_last(const si_page *page);

/* Frees a page; NULL is a no-op. */
void si_page_free(si_page *page);

/* Fetches one page as a NUL-terminated UTF-8 JSON object, e.g.
 *
 *   {"market":"HK","code":"HK.00700","next_key":"10","us":[],
 *    "hk":[{"timestamp":1777478400,"timestamp_str":"2026-04-30",
 *           "aggregated_short":51480638,"aggregated_short_ratio":0.56,
 *           "close_price":467.8,"last_close_price":479.2}, ...]}
 *
 * Rows use the field names of futu-api's DataFrame columns.  An absent field
 * is left out of its row object (never null, never 0); so is a non-finite
 * double (NaN, infinity), which JSON cannot carry.  Integers are printed
 * exactly, all digits, even above 2^53; doubles in the shortest form that
 * reads back to the same value.  Free *out_json with si_string_free. */
si_status si_get_page_json(si_client *client, const char *code, const char *next_key,
                           int num, char **out_json);

/* Frees a string the library returned; NULL is a no-op. */
void si_string_free(char *string);

/* ------------------------------------------------------------------------
 * Whole histories
 *
 * These follow next_key from the newest page to the end, 50 rows a page,
 * within the rate limit, stopping after max_pages pages (1...1000000).
 * Reaching max_pages is never a silent truncation: the result says
 * SI_INCOMPLETE.
 * --------------------------------------------------------------------- */

/* A code's whole history as one page (next_key "-1" when complete).
 * Returns SI_OK, SI_INCOMPLETE (with *out_page set), or a failure (with
 * *out_page NULL).  Free the page with si_page_free. */
si_status si_get_history(si_client *client, const char *code, int max_pages, si_page **out_page);

/* One code of si_get_histories has finished. */
typedef struct si_progress {
    size_t codes_done;       /* 1...code_count */
    size_t code_count;
    const char *code;        /* the code that finished; valid during the call */
    si_status status;        /* its outcome: SI_OK, SI_INCOMPLETE or a failure */
    size_t rows;             /* rows fetched for it */
} si_progress;

/* Called once per finished code, on the thread that called
 * si_get_histories (so it may call the library, or update a UI that is not
 * thread-safe), one call at a time. */
typedef void (*si_progress_fn)(const si_progress *progress, void *user_data);

/* The outcome for one code. */
typedef struct si_history {
    const char *code;        /* as given */
    si_status status;        /* SI_OK, SI_INCOMPLETE or the failure */
    const char *message;     /* why it failed ("" on SI_OK and SI_INCOMPLETE) */
    const si_page *page;     /* NULL on failure */
} si_history;

typedef struct si_histories {
    size_t count;
    const si_history *items; /* count items, in the order of the codes given */
} si_histories;

/* The whole histories of many codes, several at a time.  A code that fails
 * (malformed, unknown, refused) fails alone, in its own si_history; the
 * others are still answered.  Returns SI_OK when every code was attempted
 * (look at each item's status), or a failure of the call itself (NULL
 * client, codes NULL with count > 0, ...).  progress may be NULL.  Free the
 * result with si_histories_free, which frees its pages too. */
si_status si_get_histories(si_client *client, const char *const *codes, size_t count, int max_pages,
                           si_progress_fn progress, void *user_data, si_histories **out_histories);

/* Frees what si_get_histories returned; NULL is a no-op. */
void si_histories_free(si_histories *histories);

#ifdef __cplusplus
}
#endif

#endif /* SHORTINTEREST_H */
