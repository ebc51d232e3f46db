/* history: pages through a stock's whole short-interest history with the
 * struct API and prints every row, oldest last.
 *
 *   history HOST PORT CODE [NUM [REPEAT [LIMIT]]]       (from OpenD or a gateway)
 *   history --store PATH CODE [NUM [REPEAT [LIMIT]]]    (from a local store)
 *
 * REPEAT > 1 reads the history that many times (printing it once): a load
 * for leak checkers.  LIMIT is the client-side rate limit in requests per
 * 30 s (default 30, OpenD's own); 0 turns it off, for a local gateway.
 */
#include <inttypes.h>
#include <shortinterest.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void print_us(const si_us_row *row) {
    printf("%s", row->timestamp_str);
    if (row->present & SI_US_TIMESTAMP) printf(" ts=%" PRId64, row->timestamp);
    if (row->present & SI_US_SHARES_SHORT) printf(" short=%" PRIu64, row->shares_short);
    if (row->present & SI_US_SHORT_PERCENT) printf(" pct=%g", row->short_percent);
    if (row->present & SI_US_AVG_DAILY_SHARE_VOLUME) printf(" adv=%" PRIu64, row->avg_daily_share_volume);
    if (row->present & SI_US_DAYS_TO_COVER) printf(" days=%g", row->days_to_cover);
    if (row->present & SI_US_CLOSE_PRICE) printf(" close=%g", row->close_price);
    if (row->present & SI_US_LAST_CLOSE_PRICE) printf(" last=%g", row->last_close_price);
    printf("\n");
}

static void print_hk(const si_hk_row *row) {
    printf("%s", row->timestamp_str);
    if (row->present & SI_HK_TIMESTAMP) printf(" ts=%" PRId64, row->timestamp);
    if (row->present & SI_HK_AGGREGATED_SHORT) printf(" short=%" PRIu64, row->aggregated_short);
    if (row->present & SI_HK_AGGREGATED_SHORT_RATIO) printf(" ratio=%g", row->aggregated_short_ratio);
    if (row->present & SI_HK_CLOSE_PRICE) printf(" close=%g", row->close_price);
    if (row->present & SI_HK_LAST_CLOSE_PRICE) printf(" last=%g", row->last_close_price);
    printf("\n");
}

/* Reads the whole history once; prints it when print is nonzero. Returns the
 * row count, or -1 on error. */
static long read_history(si_client *client, const char *code, int num, int print) {
    long rows = 0, pages = 0;
    si_page *page = NULL;
    const char *next_key = NULL;
    do {
        si_page *next = NULL;
        si_status status = si_get_page(client, code, next_key, num, &next);
        si_page_free(page); /* after the call: next_key pointed into it */
        page = next;
        if (status != SI_OK) {
            fprintf(stderr, "error: %s: %s\n", si_status_name(status), si_error_last()->message);
            return -1;
        }
        pages++;
        for (size_t i = 0; print && i < page->us_count; i++) print_us(&page->us_rows[i]);
        for (size_t i = 0; print && i < page->hk_count; i++) print_hk(&page->hk_rows[i]);
        rows += (long)(page->us_count + page->hk_count);
        next_key = page->next_key;
    } while (!si_page_is_last(page));
    si_page_free(page);
    if (print) printf("%s: %ld rows in %ld pages\n", code, rows, pages);
    return rows;
}

int main(int argc, char **argv) {
    if (argc < 4) {
        fprintf(stderr, "usage: %s (HOST PORT | --store PATH) CODE [NUM [REPEAT [LIMIT]]]\n", argv[0]);
        return 2;
    }
    int num = argc > 4 ? atoi(argv[4]) : 50;
    int repeat = argc > 5 ? atoi(argv[5]) : 1;
    int limit = argc > 6 ? atoi(argv[6]) : 30;

    si_config *config = si_config_new();
    si_client *client = NULL;
    si_status configured = strcmp(argv[1], "--store") == 0 ? si_config_set_store(config, argv[2])
                                                           : si_config_set_opend(config, argv[1], atoi(argv[2]));
    if (config == NULL || configured != SI_OK ||
        si_config_set_rate_limit(config, limit, 30000, SI_RATE_LIMIT_WAIT, 60000) != SI_OK ||
        si_client_open(config, &client) != SI_OK) {
        fprintf(stderr, "error: %s\n", si_error_last()->message);
        si_config_free(config);
        return 1;
    }
    si_config_free(config);

    int failed = 0;
    for (int i = 0; i < repeat && !failed; i++) {
        failed = read_history(client, argv[3], num, i == 0) < 0;
    }
    si_client_close(client);
    return failed;
}
