/* json_table: prints one page of short-interest history as a table, reading
 * the library's JSON with jansson.
 *
 *   json_table HOST PORT CODE [NUM [NEXT_KEY]]      (from OpenD or a gateway)
 *   json_table --store PATH CODE [NUM [NEXT_KEY]]   (from a local store)
 *
 * jansson holds integers as long long: a count above 2^63 - 1 (which no real
 * share count reaches) makes it refuse the page; the struct API has no such
 * limit.
 */
#include <jansson.h>
#include <shortinterest.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const us_columns[] = {"timestamp", "timestamp_str", "shares_short", "short_percent",
                                         "avg_daily_share_volume", "days_to_cover", "close_price", "last_close_price"};
static const char *const hk_columns[] = {"timestamp", "timestamp_str", "aggregated_short", "aggregated_short_ratio",
                                         "close_price", "last_close_price"};

static void print_cell(json_t *value) {
    if (value == NULL) {
        printf(" %22s", "-"); /* absent */
    } else if (json_is_integer(value)) {
        printf(" %22" JSON_INTEGER_FORMAT, json_integer_value(value));
    } else if (json_is_real(value)) {
        printf(" %22.4f", json_real_value(value));
    } else if (json_is_string(value)) {
        printf(" %22s", json_string_value(value));
    }
}

int main(int argc, char **argv) {
    if (argc < 4) {
        fprintf(stderr, "usage: %s (HOST PORT | --store PATH) CODE [NUM [NEXT_KEY]]\n", argv[0]);
        return 2;
    }
    int num = argc > 4 ? atoi(argv[4]) : 10;
    const char *next_key = argc > 5 ? argv[5] : NULL;

    si_config *config = si_config_new();
    si_client *client = NULL;
    si_status configured = strcmp(argv[1], "--store") == 0 ? si_config_set_store(config, argv[2])
                                                           : si_config_set_opend(config, argv[1], atoi(argv[2]));
    if (config == NULL || configured != SI_OK || si_client_open(config, &client) != SI_OK) {
        fprintf(stderr, "error: %s\n", si_error_last()->message);
        si_config_free(config);
        return 1;
    }
    si_config_free(config);

    char *text = NULL;
    si_status status = si_get_page_json(client, argv[3], next_key, num, &text);
    if (status != SI_OK) {
        fprintf(stderr, "error: %s: %s\n", si_status_name(status), si_error_last()->message);
        si_client_close(client);
        return 1;
    }
    json_error_t error;
    /* JSON_DECODE_INT_AS_REAL is not set: integers stay integers. */
    json_t *page = json_loads(text, 0, &error);
    si_string_free(text);
    if (page == NULL) {
        fprintf(stderr, "error: bad JSON from the library: %s\n", error.text);
        si_client_close(client);
        return 1;
    }

    int is_us = strcmp(json_string_value(json_object_get(page, "market")), "US") == 0;
    const char *const *columns = is_us ? us_columns : hk_columns;
    size_t column_count = is_us ? sizeof us_columns / sizeof *us_columns : sizeof hk_columns / sizeof *hk_columns;
    json_t *rows = json_object_get(page, is_us ? "us" : "hk");

    printf("%s (%zu rows)\n", json_string_value(json_object_get(page, "code")), json_array_size(rows));
    for (size_t c = 0; c < column_count; c++) printf(" %22s", columns[c]);
    printf("\n");
    size_t index;
    json_t *row;
    json_array_foreach(rows, index, row) {
        for (size_t c = 0; c < column_count; c++) print_cell(json_object_get(row, columns[c]));
        printf("\n");
    }
    printf("next_key: %s\n", json_string_value(json_object_get(page, "next_key")));

    json_decref(page);
    si_client_close(client);
    return 0;
}
