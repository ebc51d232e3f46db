/* dlopen_first: the time from dlopen of the library to its first answer.
 *
 *   dlopen_first LIBRARY (HOST PORT | --store PATH) CODE
 *
 * Not linked with the library: it loads LIBRARY with dlopen (RTLD_NOW, so
 * every symbol is bound at load as a program linked normally would have it),
 * then configures a client, opens it and fetches the newest 10-row page of
 * CODE as structs. Prints the milliseconds of each step and the total; run
 * it as a fresh process each time (the driver does).
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <shortinterest.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_clock.h"

/* The entry points used, looked up by name after dlopen. */
static struct {
    si_config *(*config_new)(void);
    void (*config_free)(si_config *);
    si_status (*config_set_opend)(si_config *, const char *, int);
    si_status (*config_set_store)(si_config *, const char *);
    si_status (*config_set_rate_limit)(si_config *, int, int, si_rate_limit_mode, int);
    si_status (*client_open)(const si_config *, si_client **);
    void (*client_close)(si_client *);
    si_status (*get_page)(si_client *, const char *, const char *, int, si_page **);
    void (*page_free)(si_page *);
    const si_error *(*error_last)(void);
} si;

static void *symbol(void *library, const char *name) {
    void *found = dlsym(library, name);
    if (found == NULL) {
        fprintf(stderr, "error: %s\n", dlerror());
        exit(1);
    }
    return found;
}

int main(int argc, char **argv) {
    if (argc != 5) {
        fprintf(stderr, "usage: %s LIBRARY (HOST PORT | --store PATH) CODE\n", argv[0]);
        return 2;
    }
    double start = wall_seconds();
    void *library = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
    if (library == NULL) {
        fprintf(stderr, "error: %s\n", dlerror());
        return 1;
    }
    double loaded = wall_seconds();
    *(void **)&si.config_new = symbol(library, "si_config_new");
    *(void **)&si.config_free = symbol(library, "si_config_free");
    *(void **)&si.config_set_opend = symbol(library, "si_config_set_opend");
    *(void **)&si.config_set_store = symbol(library, "si_config_set_store");
    *(void **)&si.config_set_rate_limit = symbol(library, "si_config_set_rate_limit");
    *(void **)&si.client_open = symbol(library, "si_client_open");
    *(void **)&si.client_close = symbol(library, "si_client_close");
    *(void **)&si.get_page = symbol(library, "si_get_page");
    *(void **)&si.page_free = symbol(library, "si_page_free");
    *(void **)&si.error_last = symbol(library, "si_error_last");

    si_config *config = si.config_new();
    si_status configured = strcmp(argv[2], "--store") == 0 ? si.config_set_store(config, argv[3])
                                                           : si.config_set_opend(config, argv[2], atoi(argv[3]));
    si_client *client = NULL;
    si_page *page = NULL;
    if (configured != SI_OK || si.config_set_rate_limit(config, 0, 30000, SI_RATE_LIMIT_WAIT, 0) != SI_OK ||
        si.client_open(config, &client) != SI_OK) {
        fprintf(stderr, "error: %s\n", si.error_last()->message);
        return 1;
    }
    double opened = wall_seconds();
    if (si.get_page(client, argv[4], NULL, 10, &page) != SI_OK) {
        fprintf(stderr, "error: %s\n", si.error_last()->message);
        return 1;
    }
    double answered = wall_seconds();
    printf("dlopen_ms=%.3f open_ms=%.3f first_page_ms=%.3f total_ms=%.3f rows=%zu\n", (loaded - start) * 1e3,
           (opened - loaded) * 1e3, (answered - opened) * 1e3, (answered - start) * 1e3, page->us_count + page->hk_count);
    si.page_free(page);
    si.config_free(config);
    si.client_close(client);
    return 0;
}
