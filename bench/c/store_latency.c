/* store_latency: the latency of page queries on a local store, through the
 * C struct API (si_get_page on a client opened with si_config_set_store).
 *
 *   store_latency STORE CODES_FILE CALLS NUM newest|deep [SEED]
 *
 * Each call asks for one page of a code drawn at random from CODES_FILE (one
 * code a line, as bench/store/make_store.py writes it): the newest page
 * (newest), or the page that starts at a random day between 2006 and 2025
 * (deep: a next_key in the middle of a history, as paging reaches it).
 * CALLS / 10 calls of the same kind warm the store first. Prints one line:
 * calls/s, p50, p90, p99 and max in microseconds, and rows per call.
 */
#define _GNU_SOURCE
#include "bench_client.h"

enum { MAX_CODES = 100000, CODE_LENGTH = 32 };

static char codes[MAX_CODES][CODE_LENGTH];
static size_t code_count;

static void read_codes(const char *path) {
    FILE *file = fopen(path, "r");
    if (file == NULL) {
        perror(path);
        exit(1);
    }
    while (code_count < MAX_CODES && fgets(codes[code_count], CODE_LENGTH, file) != NULL) {
        codes[code_count][strcspn(codes[code_count], "\r\n")] = 0;
        if (codes[code_count][0] != 0) code_count++;
    }
    fclose(file);
    if (code_count == 0) {
        fprintf(stderr, "error: no codes in %s\n", path);
        exit(1);
    }
}

/* xorshift64: the same sequence of queries for the same seed, run after run. */
static uint64_t random_state;

static uint64_t next_random(void) {
    random_state ^= random_state << 13;
    random_state ^= random_state >> 7;
    random_state ^= random_state << 17;
    return random_state;
}

/* One query; returns the rows it answered. */
static size_t query(si_client *client, int num, int deep) {
    const char *code = codes[next_random() % code_count];
    char day[16];
    if (deep) {
        snprintf(day, sizeof day, "%04d-%02d-%02d", 2006 + (int)(next_random() % 20), 1 + (int)(next_random() % 12),
                 1 + (int)(next_random() % 28));
    }
    si_page *page = NULL;
    check(si_get_page(client, code, deep ? day : NULL, num, &page), code);
    size_t rows = page->us_count + page->hk_count;
    si_page_free(page);
    return rows;
}

/* The p-quantile (0...1) of sorted latencies, in microseconds. */
static double percentile_us(const double *sorted, long count, double p) {
    return sorted[(size_t)((double)(count - 1) * p)] * 1e6;
}

static int by_value(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv) {
    if (argc < 6 || argc > 7 || (strcmp(argv[5], "newest") != 0 && strcmp(argv[5], "deep") != 0)) {
        fprintf(stderr, "usage: %s STORE CODES_FILE CALLS NUM newest|deep [SEED]\n", argv[0]);
        return 2;
    }
    char *target[] = {"--store", argv[1]};
    si_client *client = open_bench_client(target, 0);
    read_codes(argv[2]);
    long calls = atol(argv[3]);
    int num = atoi(argv[4]);
    int deep = strcmp(argv[5], "deep") == 0;
    random_state = argc > 6 ? strtoull(argv[6], NULL, 10) | 1 : 88172645463325252ull;
    if (calls < 1) {
        fprintf(stderr, "error: CALLS must be at least 1\n");
        return 2;
    }

    for (long i = 0; i < calls / 10; i++) query(client, num, deep);
    double *latencies = malloc(sizeof(double) * (size_t)calls);
    size_t rows = 0;
    double started = wall_seconds();
    for (long i = 0; i < calls; i++) {
        double before = wall_seconds();
        rows += query(client, num, deep);
        latencies[i] = wall_seconds() - before;
    }
    double wall = wall_seconds() - started;
    qsort(latencies, (size_t)calls, sizeof(double), by_value);
    printf("calls=%ld calls_per_second=%.1f p50_us=%.2f p90_us=%.2f p99_us=%.2f max_us=%.2f rows_per_call=%.2f\n",
           calls, calls / wall, percentile_us(latencies, calls, 0.50),
           percentile_us(latencies, calls, 0.90), percentile_us(latencies, calls, 0.99),
           latencies[calls - 1] * 1e6, (double)rows / (double)calls);
    free(latencies);
    si_client_close(client);
    return 0;
}
