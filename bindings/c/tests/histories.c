/* histories: whole histories and many codes through the C API, against a
 * live gateway serving Tests/fixtures/histories.json.
 *
 *   histories HOST PORT
 *   histories HOST PORT CACHE   (only: US.LONG's history through a cache at CACHE)
 *
 * Ends with "N passed, N failed".
 */
#include <pthread.h>
#include <shortinterest.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int passed, failed;

static void check(int ok, const char *what) {
    printf("%s %s\n", ok ? "ok  " : "FAIL", what);
    if (ok) passed++; else failed++;
}

struct progress_log {
    pthread_t caller;
    int calls;
    int on_caller_thread;
    int in_order;
    int reentrant_ok;
    char codes[8][32];
};

static void on_progress(const si_progress *progress, void *user_data) {
    struct progress_log *log = user_data;
    log->on_caller_thread &= pthread_equal(pthread_self(), log->caller);
    log->in_order &= progress->codes_done == (size_t)log->calls + 1 && progress->code_count == 4;
    /* The callback may use the library: it runs on the caller's thread. */
    log->reentrant_ok &= strcmp(si_version(), SI_VERSION_STRING) == 0;
    if (log->calls < 8) snprintf(log->codes[log->calls], sizeof log->codes[0], "%s", progress->code);
    log->calls++;
}

int main(int argc, char **argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: %s HOST PORT\n", argv[0]);
        return 2;
    }
    si_config *config = si_config_new();
    si_config_set_opend(config, argv[1], atoi(argv[2]));
    si_config_set_rate_limit(config, 0, 30000, SI_RATE_LIMIT_WAIT, 0); /* a local gateway: no quota */
    if (argc > 3) {
        si_client *cached = NULL;
        si_page *history = NULL;
        si_status outcome = si_config_set_cache(config, argv[3], 3600);
        if (outcome == SI_OK) outcome = si_client_open(config, &cached);
        if (outcome == SI_OK) outcome = si_get_history(cached, "US.LONG", 100, &history);
        if (outcome == SI_OK) printf("US.LONG: %zu rows\n", history->us_count);
        else printf("%s: %s\n", si_status_name(outcome), si_error_last()->message);
        si_page_free(history);
        si_client_close(cached);
        si_config_free(config);
        return outcome != SI_OK;
    }
    si_client *client = NULL;
    check(si_client_open(config, &client) == SI_OK, "client_open");
    check(si_config_set_cache(config, "", 10) == SI_ERR_INVALID_ARGUMENT, "set_cache: empty path");
    check(si_config_set_cache(config, "x.sqlite", 0) == SI_ERR_INVALID_ARGUMENT, "set_cache: ttl 0");
    si_config_free(config);

    si_page *page = NULL;
    si_status status = si_get_history(client, "US.LONG", 2, &page);
    check(status == SI_INCOMPLETE, "get_history: stopping at max_pages says SI_INCOMPLETE");
    check(page != NULL && page->us_count == 100 && strcmp(page->next_key, "100") == 0 && !si_page_is_last(page),
          "get_history: the rows fetched, and where reading stopped");
    si_page_free(page);

    page = NULL;
    check(si_get_history(client, "US.LONG", 10, &page) == SI_OK, "get_history: a whole history is SI_OK");
    check(page != NULL && page->us_count == 120 && si_page_is_last(page) &&
          strcmp(page->us_rows[119].timestamp_str, "row-119") == 0, "get_history: all 120 rows, newest first");
    si_page_free(page);

    page = (si_page *)&passed;
    status = si_get_history(client, "HK.00700", 0, &page);
    check(status == SI_ERR_INVALID_ARGUMENT && page == NULL, "get_history: max_pages 0 is refused");

    const char *codes[] = {"HK.00700", "XX.1", "US.AAPL", "US.NOPE"};
    struct progress_log log = {.caller = pthread_self(), .on_caller_thread = 1, .in_order = 1, .reentrant_ok = 1};
    si_histories *histories = NULL;
    check(si_get_histories(client, codes, 4, 100, on_progress, &log, &histories) == SI_OK && histories != NULL,
          "get_histories: the call succeeds with one bad and one unknown code among good ones");
    if (histories != NULL) {
        const si_history *items = histories->items;
        check(histories->count == 4, "get_histories: one result per code");
        check(items[0].status == SI_OK && items[0].page->hk_count == 10 && strcmp(items[0].code, "HK.00700") == 0,
              "get_histories: HK.00700 whole");
        check(items[1].status == SI_ERR_INVALID_ARGUMENT && items[1].page == NULL && strstr(items[1].message, "XX") != NULL,
              "get_histories: the malformed code fails alone, with its message");
        check(items[2].status == SI_OK && items[2].page->us_count == 25 && items[2].message[0] == '\0',
              "get_histories: US.AAPL whole");
        check(items[3].status == SI_ERR_REJECTED && items[3].page == NULL, "get_histories: the unknown code is rejected alone");
    }
    si_histories_free(histories);
    si_histories_free(NULL);
    check(log.calls == 4 && log.in_order, "progress: once per code, counting up");
    check(log.on_caller_thread, "progress: on the caller's thread");
    check(log.reentrant_ok, "progress: the callback may call the library");

    histories = (si_histories *)&passed;
    check(si_get_histories(client, NULL, 2, 10, NULL, NULL, &histories) == SI_ERR_INVALID_ARGUMENT && histories == NULL,
          "get_histories: NULL codes with a count is refused");
    check(si_get_histories(client, NULL, 0, 10, NULL, NULL, &histories) == SI_OK && histories != NULL && histories->count == 0,
          "get_histories: no codes, no results");
    si_histories_free(histories);

    si_client_close(client);
    printf("%d passed, %d failed\n", passed, failed);
    return failed != 0;
}
