/* abi_checks: every argument check of the C API, and the basic contracts
 * (version, status names, last error, ownership), against a live gateway.
 *
 *   abi_checks HOST PORT
 *
 * Prints one line per check and ends with "N passed, N failed".
 */
#include <shortinterest.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int passed, failed;

static void check(int ok, const char *what) {
    printf("%s %s\n", ok ? "ok  " : "FAIL", what);
    if (ok) passed++; else failed++;
}

/* The call failed with `expected`, set the last error to it with a message,
 * and left the out-pointer NULL. */
static void check_refused(si_status got, si_status expected, const void *out, const char *what) {
    const si_error *error = si_error_last();
    int ok = got == expected && error->status == expected && error->message[0] != '\0' && out == NULL;
    if (!ok) printf("     got %s (%s)\n", si_status_name(got), error->message);
    check(ok, what);
}

/* Makes the call before reading the out-pointer: C leaves the order in
 * which function arguments are evaluated unspecified. */
#define REFUSED(call, expected, out, what)                  \
    do {                                                   \
        si_status status_ = (call);                        \
        check_refused(status_, (expected), (out), (what)); \
    } while (0)

int main(int argc, char **argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: %s HOST PORT\n", argv[0]);
        return 2;
    }
    const char *host = argv[1];
    int port = atoi(argv[2]);

    check(si_version_number() == SI_VERSION_NUMBER, "si_version_number matches the header");
    check(strcmp(si_version(), SI_VERSION_STRING) == 0, "si_version matches the header");
    check(strcmp(si_status_name(SI_ERR_TIMEOUT), "SI_ERR_TIMEOUT") == 0, "si_status_name names a code");
    check(strcmp(si_status_name((si_status)999), "SI_UNKNOWN_STATUS") == 0, "si_status_name of an unknown code");
    si_error_clear();
    check(si_error_last()->status == SI_OK && si_error_last()->message[0] == '\0', "a cleared last error is SI_OK with \"\"");

    /* Configuration */
    si_config *config = si_config_new();
    check(config != NULL, "si_config_new");
    REFUSED(si_config_set_opend(NULL, host, port), SI_ERR_INVALID_ARGUMENT, NULL, "set_opend: NULL config");
    REFUSED(si_config_set_opend(config, NULL, port), SI_ERR_INVALID_ARGUMENT, NULL, "set_opend: NULL host");
    REFUSED(si_config_set_opend(config, "", port), SI_ERR_INVALID_ARGUMENT, NULL, "set_opend: empty host");
    REFUSED(si_config_set_opend(config, host, 0), SI_ERR_INVALID_ARGUMENT, NULL, "set_opend: port 0");
    REFUSED(si_config_set_opend(config, host, 70000), SI_ERR_INVALID_ARGUMENT, NULL, "set_opend: port 70000");
    REFUSED(si_config_set_timeouts(config, 0, 1000), SI_ERR_INVALID_ARGUMENT, NULL, "set_timeouts: 0 ms");
    REFUSED(si_config_set_timeouts(config, 1000, -5), SI_ERR_INVALID_ARGUMENT, NULL, "set_timeouts: negative");
    REFUSED(si_config_set_client_id(config, ""), SI_ERR_INVALID_ARGUMENT, NULL, "set_client_id: empty");
    REFUSED(si_config_set_client_id(config, "\xff\xfe"), SI_ERR_INVALID_ARGUMENT, NULL, "set_client_id: invalid UTF-8");
    check(si_config_set_opend(config, host, port) == SI_OK, "set_opend: valid");
    check(si_config_set_timeouts(config, 2000, 5000) == SI_OK, "set_timeouts: valid");
    REFUSED(si_config_set_busy_poll(config, -2), SI_ERR_INVALID_ARGUMENT, NULL, "set_busy_poll: negative");
    REFUSED(si_config_set_busy_poll(config, 10001), SI_ERR_INVALID_ARGUMENT, NULL, "set_busy_poll: over 10000 us");
    check(si_config_set_busy_poll(config, SI_BUSY_POLL_ADAPTIVE) == SI_OK, "set_busy_poll: adaptive");
    check(si_config_set_busy_poll(config, 0) == SI_OK, "set_busy_poll: off");
    /* The calls below poll for up to 200 us before they sleep. */
    check(si_config_set_busy_poll(config, 200) == SI_OK, "set_busy_poll: valid");
    check(si_config_set_client_id(config, "abi_checks") == SI_OK, "set_client_id: valid");
    REFUSED(si_config_set_rate_limit(config, -1, 30000, SI_RATE_LIMIT_WAIT, 0), SI_ERR_INVALID_ARGUMENT, NULL, "set_rate_limit: negative requests");
    REFUSED(si_config_set_rate_limit(config, 30, 0, SI_RATE_LIMIT_WAIT, 0), SI_ERR_INVALID_ARGUMENT, NULL, "set_rate_limit: 0 ms window");
    REFUSED(si_config_set_rate_limit(config, 30, 30000, (si_rate_limit_mode)7, 0), SI_ERR_INVALID_ARGUMENT, NULL, "set_rate_limit: unknown mode");
    REFUSED(si_config_set_store(config, ""), SI_ERR_INVALID_ARGUMENT, NULL, "set_store: empty path");
    REFUSED(si_config_set_encryption(config, "/no/such/key.pem", SI_ENCRYPTION_AES_CBC), SI_ERR_INVALID_ARGUMENT, NULL,
            "set_encryption: a missing key file");
    REFUSED(si_config_set_encryption(config, "/etc/hostname", SI_ENCRYPTION_AES_CBC), SI_ERR_INVALID_ARGUMENT, NULL,
            "set_encryption: a file that is not an RSA key");
    REFUSED(si_config_set_encryption(config, "/etc/hostname", (si_encryption_mode)9), SI_ERR_INVALID_ARGUMENT, NULL,
            "set_encryption: unknown mode");
    check(si_config_set_encryption(config, NULL, SI_ENCRYPTION_AES_CBC) == SI_OK, "set_encryption: NULL turns it off");
    check(si_config_set_store(config, NULL) == SI_OK, "set_store: NULL goes back to OpenD");
    /* Fail fast past 3 requests a minute: the checks below make 3 successful calls. */
    check(si_config_set_rate_limit(config, 3, 60000, SI_RATE_LIMIT_FAIL_FAST, 0) == SI_OK, "set_rate_limit: valid");

    si_client *client = (si_client *)&passed; /* must be overwritten */
    REFUSED(si_client_open(NULL, &client), SI_ERR_INVALID_ARGUMENT, client, "client_open: NULL config");
    REFUSED(si_client_open(config, NULL), SI_ERR_INVALID_ARGUMENT, NULL, "client_open: NULL out_client");
    check(si_client_open(config, &client) == SI_OK && client != NULL, "client_open: valid");
    si_config_free(config);
    si_config_free(NULL);

    /* Pages: refused arguments */
    si_page *page = (si_page *)&passed;
    char *json = (char *)&passed;
    REFUSED(si_get_page(NULL, "HK.00700", NULL, 10, &page), SI_ERR_INVALID_ARGUMENT, page, "get_page: NULL client");
    REFUSED(si_get_page(client, NULL, NULL, 10, &page), SI_ERR_INVALID_ARGUMENT, page, "get_page: NULL code");
    REFUSED(si_get_page(client, "", NULL, 10, &page), SI_ERR_INVALID_ARGUMENT, page, "get_page: empty code");
    REFUSED(si_get_page(client, "HK.\xc3\x28", NULL, 10, &page), SI_ERR_INVALID_ARGUMENT, page, "get_page: invalid UTF-8");
    REFUSED(si_get_page(client, "XX.123", NULL, 10, &page), SI_ERR_INVALID_ARGUMENT, page, "get_page: XX.123");
    REFUSED(si_get_page(client, "HK.", NULL, 10, &page), SI_ERR_INVALID_ARGUMENT, page, "get_page: HK.");
    REFUSED(si_get_page(client, "HK.00700", NULL, 0, &page), SI_ERR_INVALID_ARGUMENT, page, "get_page: num 0");
    REFUSED(si_get_page(client, "HK.00700", NULL, 51, &page), SI_ERR_INVALID_ARGUMENT, page, "get_page: num 51");
    REFUSED(si_get_page(client, "HK.00700", NULL, -1, &page), SI_ERR_INVALID_ARGUMENT, page, "get_page: num -1");
    REFUSED(si_get_page(client, "HK.00700", "\xff", 10, &page), SI_ERR_INVALID_ARGUMENT, page, "get_page: invalid UTF-8 next_key");
    REFUSED(si_get_page(client, "HK.00700", NULL, 10, NULL), SI_ERR_INVALID_ARGUMENT, NULL, "get_page: NULL out_page");
    REFUSED(si_get_page_json(client, "XX.123", NULL, 10, &json), SI_ERR_INVALID_ARGUMENT, json, "get_page_json: XX.123");
    REFUSED(si_get_page_json(client, "HK.00700", NULL, 10, NULL), SI_ERR_INVALID_ARGUMENT, NULL, "get_page_json: NULL out_json");

    /* Pages: answers */
    si_error_clear();
    check(si_get_page(client, "HK.00700", NULL, 3, &page) == SI_OK && page != NULL, "get_page: HK.00700");
    if (page != NULL) {
        check(page->market == SI_MARKET_HK && strcmp(page->code, "HK.00700") == 0, "page: market and code");
        check(page->hk_count == 3 && page->us_count == 0 && page->us_rows == NULL, "page: 3 HK rows, no US rows");
        check(page->hk_count == 3 && strcmp(page->hk_rows[0].timestamp_str, "2026-04-30") == 0 &&
              page->hk_rows[0].timestamp == 1777478400 && page->hk_rows[0].aggregated_short == 51480638u &&
              page->hk_rows[0].present == (SI_HK_TIMESTAMP | SI_HK_TIMESTAMP_STR | SI_HK_CLOSE_PRICE |
                                           SI_HK_LAST_CLOSE_PRICE | SI_HK_AGGREGATED_SHORT | SI_HK_AGGREGATED_SHORT_RATIO),
              "page: the seed's newest HK.00700 row, every field present");
        check(!si_page_is_last(page) && strcmp(page->next_key, "-1") != 0, "page: not the last");
        check(si_error_last()->status == SI_OK, "a successful call leaves the last error alone");
    }
    si_page_free(page);
    si_page_free(NULL);
    check(si_page_is_last(NULL) == 1, "page_is_last(NULL) is 1");

    page = NULL;
    check(si_get_page(client, "HK.00700", "-1", 10, &page) == SI_OK && page != NULL && page->hk_count == 0 &&
          si_page_is_last(page), "get_page: next_key \"-1\" is an empty last page");
    si_page_free(page);

    page = (si_page *)&passed;
    REFUSED(si_get_page(client, "US.NOPE", NULL, 10, &page), SI_ERR_REJECTED, page, "get_page: unknown code is rejected by the server");
    check(si_error_last()->opend_ret_type == -1, "rejected: OpenD's retType passes through");

    check(si_get_page_json(client, "US.SPARSE", NULL, 10, &json) == SI_OK && json != NULL, "get_page_json: US.SPARSE");
    if (json != NULL) {
        check(strstr(json, "\"shares_short\":9007199254740993") != NULL, "json: a uint64 above 2^53 keeps every digit");
        check(strstr(json, "null") == NULL, "json: absent fields are left out, never null");
        check(strstr(json, "{\"timestamp_str\":\"2026-04-15\"}") != NULL, "json: a row with one field present");
    }
    si_string_free(json);
    si_string_free(NULL);

    /* That was the third request sent: the fourth is over the limit, and nothing is sent. */
    page = (si_page *)&passed;
    REFUSED(si_get_page(client, "HK.00700", NULL, 10, &page), SI_ERR_RATE_LIMITED, page, "get_page: fail-fast past the rate limit");
    check(si_error_last()->retry_after_ms > 50000 && si_error_last()->retry_after_ms <= 60600,
          "rate limited: retry_after_ms says when the next slot frees");


    /* Close */
    si_client_close(client);
    si_client_close(client);
    si_client_close(NULL);
    REFUSED(si_get_page(client, "HK.00700", NULL, 10, &page), SI_ERR_INVALID_ARGUMENT, page,
                  "get_page: a client used after close");
    check(strstr(si_error_last()->message, "closed") != NULL, "after close: the message says closed");

    /* A closed port: the failure shows at the first call, as the header says. */
    config = si_config_new();
    si_config_set_opend(config, "127.0.0.1", 1);
    si_config_set_timeouts(config, 2000, 2000);
    check(si_client_open(config, &client) == SI_OK, "client_open on a closed port succeeds");
    si_config_free(config);
    page = NULL;
    REFUSED(si_get_page(client, "HK.00700", NULL, 10, &page), SI_ERR_CONNECT, page, "get_page: connect failed");
    si_client_close(client);

    printf("%d passed, %d failed\n", passed, failed);
    return failed != 0;
}
