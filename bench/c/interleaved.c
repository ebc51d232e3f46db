/* interleaved: the floor and the C API's page calls in turn, in one process.
 *
 *   interleaved HOST PORT CODE NUM ROUNDS BLOCK [BUSY_POLL_US]
 *
 * One thread holds a floor connection (floor_wire.h: pre-encoded request,
 * reply read whole and not decoded) and a library client on the same
 * gateway, and for each of ROUNDS rounds makes BLOCK calls for the newest
 * page of CODE with each in turn: the floor, the struct path (si_get_page +
 * si_page_free), the JSON path (si_get_page_json + si_string_free), and in
 * the next round the other way round, so that a drift within a round falls
 * on all three alike. Run as separate processes one after the other
 * (bench_loopback.py), the clients meet the machine in different states.
 * Here the blocks are milliseconds apart, on the same thread, against the
 * same gateway; started with --event-loops 1, as bench_loopback.py starts
 * it, the gateway serves both connections on the same thread too (with one
 * loop per CPU they would go to different loops, whose speed for a
 * sequential client differs from run to run: bench_gateway_loops.py).
 *
 * Prints one line: for each client its calls per second over all its
 * blocks and its CPU time a call (this process's, from getrusage around
 * each block; the gateway is another process), and struct/floor and
 * json/floor, the ratios of those calls per second. BUSY_POLL_US (default
 * 0) makes both the floor and the library poll for a reply that long before
 * they sleep, as in floor.c and api_calls.c.
 */
#include "floor_wire.h"

#include "bench_client.h"

enum { FLOOR, STRUCT, JSON, CLIENTS };
static const char *const client_names[CLIENTS] = {"floor", "struct", "json"};

static int floor_fd;
static frame request_frame;
static uint8_t *reply_body;
static si_client *client;
static const char *code;
static int num;

static void call(int which) {
    switch (which) {
    case FLOOR:
        floor_call(floor_fd, &request_frame, reply_body);
        break;
    case STRUCT: {
        si_page *page = NULL;
        check(si_get_page(client, code, NULL, num, &page), "si_get_page");
        si_page_free(page);
        break;
    }
    case JSON: {
        char *json = NULL;
        check(si_get_page_json(client, code, NULL, num, &json), "si_get_page_json");
        si_string_free(json);
        break;
    }
    }
}

int main(int argc, char **argv) {
    if (argc != 7 && argc != 8) {
        fprintf(stderr, "usage: %s HOST PORT CODE NUM ROUNDS BLOCK [BUSY_POLL_US]\n", argv[0]);
        return 2;
    }
    code = argv[3];
    num = atoi(argv[4]);
    long rounds = atol(argv[5]), block = atol(argv[6]);
    if (rounds < 2 || block < 1) {
        fprintf(stderr, "error: need ROUNDS >= 2 and BLOCK >= 1\n");
        return 2;
    }
    int busy_poll_us = argc == 8 ? atoi(argv[7]) : 0;
    busy_poll_seconds = busy_poll_us * 1e-6;
    reply_body = malloc(MAX_REPLY);
    frame init_frame = init_connect_frame();
    request_frame = short_interest_frame(code, num);
    floor_fd = open_floor_connection(argv[1], argv[2], &init_frame, &request_frame, reply_body);
    client = open_bench_client(argv + 1, busy_poll_us);
    call(STRUCT);   /* the library's connection open before the clocks start */
    call(JSON);

    double wall[CLIENTS] = {0}, cpu[CLIENTS] = {0};
    for (long round = 0; round < rounds; round++) {
        for (int turn = 0; turn < CLIENTS; turn++) {
            int which = round % 2 == 0 ? turn : CLIENTS - 1 - turn;
            double wall_start = wall_seconds(), cpu_start = process_cpu_seconds();
            for (long i = 0; i < block; i++) call(which);
            wall[which] += wall_seconds() - wall_start;
            cpu[which] += process_cpu_seconds() - cpu_start;
        }
    }

    long calls = rounds * block;
    printf("calls=%ld", calls);
    for (int which = 0; which < CLIENTS; which++)
        printf(" %s_calls_per_second=%.1f %s_cpu_us=%.2f", client_names[which], calls / wall[which],
               client_names[which], cpu[which] / calls * 1e6);
    printf(" struct_of_floor=%.4f json_of_floor=%.4f\n", wall[FLOOR] / wall[STRUCT], wall[FLOOR] / wall[JSON]);
    si_client_close(client);
    close(floor_fd);
    free(reply_body);
    return 0;
}
