/* api_calls: calls per second of the C API's page calls.
 *
 *   api_calls (HOST PORT | --store PATH) CODE NUM CALLS THREADS struct|json [BUSY_POLL_US]
 *
 * THREADS threads share one client (as the header allows: their requests
 * share one connection) and together make CALLS calls for the newest page of
 * CODE: si_get_page + si_page_free (struct) or si_get_page_json +
 * si_string_free (json). One call is made before the clock starts, so the
 * connection is open. Prints one line: calls, seconds, calls/s, rows per
 * page, and this process's CPU seconds (the gateway runs in another process,
 * so this is the client's own cost). BUSY_POLL_US (default 0: sleep at once;
 * -1: SI_BUSY_POLL_ADAPTIVE, the library's own default) is given to
 * si_config_set_busy_poll.
 */
#define _GNU_SOURCE

#include "bench_client.h"

static si_client *client;
static const char *code;
static int num, use_json;
static long calls_per_thread;

/* One call for the newest page, its result freed at once. */
static void call_once(void) {
    if (use_json) {
        char *json = NULL;
        check(si_get_page_json(client, code, NULL, num, &json), "si_get_page_json");
        si_string_free(json);
        return;
    }
    si_page *page = NULL;
    check(si_get_page(client, code, NULL, num, &page), "si_get_page");
    si_page_free(page);
}

static void *caller(void *unused) {
    (void)unused;
    pthread_barrier_wait(&start_line);
    for (long i = 0; i < calls_per_thread; i++) call_once();
    return NULL;
}

int main(int argc, char **argv) {
    if ((argc != 8 && argc != 9) || (strcmp(argv[7], "struct") != 0 && strcmp(argv[7], "json") != 0)) {
        fprintf(stderr, "usage: %s (HOST PORT | --store PATH) CODE NUM CALLS THREADS struct|json [BUSY_POLL_US]\n", argv[0]);
        return 2;
    }
    client = open_bench_client(argv + 1, argc == 9 ? atoi(argv[8]) : 0);
    code = argv[3];
    num = atoi(argv[4]);
    long calls = atol(argv[5]);
    int threads = atoi(argv[6]);
    use_json = strcmp(argv[7], "json") == 0;
    if (threads < 1 || calls < threads) {
        fprintf(stderr, "error: need THREADS >= 1 and CALLS >= THREADS\n");
        return 2;
    }
    calls_per_thread = calls / threads;

    /* The rows a page holds, counted on the struct path whichever path is timed. */
    si_page *first = NULL;
    check(si_get_page(client, code, NULL, num, &first), "si_get_page");
    size_t rows = first->us_count + first->hk_count;
    si_page_free(first);
    call_once();

    timing taken = time_threads(threads, caller);
    long done = calls_per_thread * threads;
    printf("calls=%ld seconds=%.6f calls_per_second=%.1f rows=%zu cpu_seconds=%.6f\n", done, taken.wall_seconds,
           done / taken.wall_seconds, rows, taken.cpu_seconds);
    si_client_close(client);
    return 0;
}
