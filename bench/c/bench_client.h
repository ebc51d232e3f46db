/* The client set-up shared by the benchmark programs that call the library. */
#ifndef BENCH_CLIENT_H
#define BENCH_CLIENT_H

#include <shortinterest.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_clock.h"

/* Opens a client on "HOST PORT" or "--store PATH" (argv[0], argv[1]) with the
 * rate limit off (these benchmarks call a local gateway or store) and the
 * given busy poll (si_config_set_busy_poll: 0 sleeps at once, as the floor
 * does, though the library's default since 1.2.0 is SI_BUSY_POLL_ADAPTIVE;
 * a library older than that is told only a non-zero one, so that
 * compare_builds.py can run these programs on libraries built before the
 * call existed). Exits on failure. */
static inline si_client *open_bench_client(char **target, int busy_poll_us) {
    si_config *config = si_config_new();
    si_status configured = strcmp(target[0], "--store") == 0 ? si_config_set_store(config, target[1])
                                                             : si_config_set_opend(config, target[0], atoi(target[1]));
    si_client *client = NULL;
    if (configured != SI_OK || si_config_set_rate_limit(config, 0, 30000, SI_RATE_LIMIT_WAIT, 0) != SI_OK ||
        ((busy_poll_us != 0 || si_version_number() >= 10200) && si_config_set_busy_poll(config, busy_poll_us) != SI_OK) ||
        si_client_open(config, &client) != SI_OK) {
        fprintf(stderr, "error: %s\n", si_error_last()->message);
        exit(1);
    }
    si_config_free(config);
    return client;
}

/* Exits with the library's message when status is a failure. */
static inline void check(si_status status, const char *what) {
    if (status != SI_OK) {
        fprintf(stderr, "error: %s: %s: %s\n", what, si_status_name(status), si_error_last()->message);
        exit(1);
    }
}

#endif
