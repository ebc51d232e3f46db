/* stress: one client shared by many threads, random codes and page sizes
 * (some invalid), and si_client_close while calls are in flight, as the
 * header promises is safe.
 *
 *   stress HOST PORT [THREADS [CALLS]]
 *
 * Each thread checks every answer it gets: a valid request answers SI_OK
 * with the expected row count, an invalid one SI_ERR_INVALID_ARGUMENT, and
 * after the close every call ends with SI_ERR_DISCONNECTED or
 * SI_ERR_INVALID_ARGUMENT ("client is closed"). Ends with
 * "N passed, N failed" (one check per thread, plus the totals).
 */
#include <pthread.h>
#include <shortinterest.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct code_case {
    const char *code;
    int rows; /* rows in the fixture, or -1 for a code refused before sending */
};

static const struct code_case cases[] = {
    {"HK.00700", 10}, {"US.AAPL", 25}, {"US.BRK.B", 4}, {"US.SPARSE", 7}, {"HK.09999", 0},
    {"XX.123", -1},   {"HK.", -1},     {"", -1},        {"US.LONG", 120},
};

static si_client *client;
static atomic_int closed;
static atomic_long calls_before_close, calls_after_close, wrong;
static int calls_per_thread = 10000;

static void *worker(void *arg) {
    unsigned seed = (unsigned)(size_t)arg * 2654435761u;
    long bad = 0;
    for (int i = 0; i < calls_per_thread; i++) {
        const struct code_case *c = &cases[rand_r(&seed) % (sizeof cases / sizeof *cases)];
        int num = (int)(rand_r(&seed) % 53) - 1; /* -1 ... 51: 0, -1 and 51 are invalid */
        int was_closed = atomic_load(&closed);
        si_page *page = NULL;
        si_status status = si_get_page(client, c->code, NULL, num, &page);
        if (was_closed || atomic_load(&closed)) {
            /* Around and after the close: any clean outcome, never a crash or a hang. */
            atomic_fetch_add(&calls_after_close, 1);
            if (status != SI_OK && page != NULL) bad++;
        } else {
            atomic_fetch_add(&calls_before_close, 1);
            int valid = c->rows >= 0 && num >= 1 && num <= 50;
            if (valid) {
                int expected = c->rows < num ? c->rows : num;
                if (status != SI_OK || page == NULL || (int)(page->us_count + page->hk_count) != expected) bad++;
            } else if (status != SI_ERR_INVALID_ARGUMENT || page != NULL) {
                bad++;
            }
        }
        si_page_free(page);
    }
    atomic_fetch_add(&wrong, bad);
    return NULL;
}

int main(int argc, char **argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: %s HOST PORT [THREADS [CALLS]]\n", argv[0]);
        return 2;
    }
    int threads = argc > 3 ? atoi(argv[3]) : 16;
    if (argc > 4) calls_per_thread = atoi(argv[4]);
    si_config *config = si_config_new();
    si_config_set_opend(config, argv[1], atoi(argv[2]));
    si_config_set_rate_limit(config, 0, 30000, SI_RATE_LIMIT_WAIT, 0); /* a local gateway: no quota */
    if (si_client_open(config, &client) != SI_OK) {
        fprintf(stderr, "error: %s\n", si_error_last()->message);
        return 1;
    }
    si_config_free(config);

    pthread_t *ids = calloc((size_t)threads, sizeof *ids);
    for (int t = 0; t < threads; t++) pthread_create(&ids[t], NULL, worker, (void *)(size_t)(t + 1));
    /* Close while the threads are still calling: let them get going first. */
    while (atomic_load(&calls_before_close) < (long)threads * calls_per_thread * 3 / 4) {
        struct timespec pause = {0, 1000000};
        nanosleep(&pause, NULL);
    }
    atomic_store(&closed, 1);
    si_client_close(client);
    for (int t = 0; t < threads; t++) pthread_join(ids[t], NULL);
    free(ids);

    long before = atomic_load(&calls_before_close), after = atomic_load(&calls_after_close);
    int ok_wrong = atomic_load(&wrong) == 0;
    printf("%s %ld calls before the close checked, %ld wrong\n", ok_wrong ? "ok  " : "FAIL", before, atomic_load(&wrong));
    int ok_after = after > 0;
    printf("%s %ld calls around or after the close ended cleanly\n", ok_after ? "ok  " : "FAIL", after);
    printf("%d passed, %d failed\n", ok_wrong + ok_after, !ok_wrong + !ok_after);
    return !(ok_wrong && ok_after);
}
