/* config_threads: one si_config set from several threads at once, as the
 * header's "every function may be called from any thread" allows, then
 * used to open a client.
 *
 *   config_threads HOST PORT [THREADS [CALLS]]
 *
 * Each thread sets the gateway, the timeouts and the client id CALLS times
 * (half of them invalid, which must change nothing). Ends with
 * "N passed, N failed".
 */
#include <pthread.h>
#include <shortinterest.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>

static si_config *config;
static const char *host;
static int port, calls = 1000;
static atomic_long wrong;

static void *worker(void *arg) {
    (void)arg;
    long bad = 0;
    for (int i = 0; i < calls; i++) {
        bad += si_config_set_opend(config, host, port) != SI_OK;
        bad += si_config_set_opend(config, host, 0) != SI_ERR_INVALID_ARGUMENT;
        bad += si_config_set_timeouts(config, 5000, 10000 + i) != SI_OK;
        bad += si_config_set_timeouts(config, 0, 10000) != SI_ERR_INVALID_ARGUMENT;
        bad += si_config_set_client_id(config, "config_threads, longer than a small string") != SI_OK;
        bad += si_config_set_client_id(config, "") != SI_ERR_INVALID_ARGUMENT;
    }
    atomic_fetch_add(&wrong, bad);
    return NULL;
}

int main(int argc, char **argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: %s HOST PORT [THREADS [CALLS]]\n", argv[0]);
        return 2;
    }
    host = argv[1];
    port = atoi(argv[2]);
    int threads = argc > 3 ? atoi(argv[3]) : 8;
    if (argc > 4) calls = atoi(argv[4]);
    config = si_config_new();
    pthread_t *ids = calloc((size_t)threads, sizeof *ids);
    for (int t = 0; t < threads; t++) pthread_create(&ids[t], NULL, worker, NULL);
    for (int t = 0; t < threads; t++) pthread_join(ids[t], NULL);
    free(ids);

    /* The refused settings changed nothing: the client reaches the gateway. */
    si_client *client = NULL;
    si_page *page = NULL;
    int ok_set = atomic_load(&wrong) == 0;
    int ok_use = si_client_open(config, &client) == SI_OK && si_get_page(client, "HK.00700", NULL, 3, &page) == SI_OK &&
                 page->hk_count == 3;
    si_page_free(page);
    si_client_close(client);
    si_config_free(config);
    printf("%s %d threads x %d calls x 6 setters on one config, %ld wrong\n", ok_set ? "ok  " : "FAIL", threads, calls,
           atomic_load(&wrong));
    printf("%s the config then opens a client that answers\n", ok_use ? "ok  " : "FAIL");
    printf("%d passed, %d failed\n", ok_set + ok_use, !ok_set + !ok_use);
    return !(ok_set && ok_use);
}
