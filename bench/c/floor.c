/* floor: the loopback floor of a short-interest call, without the library.
 *
 *   floor HOST PORT CODE NUM CALLS THREADS [BUSY_POLL_US]
 *
 * Each of THREADS threads opens its own connection, sends a pre-encoded
 * InitConnect (1001) frame and reads its reply, then, timed, sends the same
 * pre-encoded 3249 request frame CALLS/THREADS times, reading each whole
 * reply (44-byte header, then the body length it announces) without decoding
 * it. Prints one line: calls, seconds, calls/s, and this process's CPU
 * seconds. The frames and the socket work are floor_wire.h's. With BUSY_POLL_US
 * (default 0), a reply is polled for (non-blocking recv) that long before a
 * blocking recv, as the library does with si_config_set_busy_poll: the floor
 * to compare the library with when it polls.
 */
#include "floor_wire.h"

static const char *host, *port;
static frame init_frame, request_frame;
static long calls_per_thread;

static void *caller(void *unused) {
    (void)unused;
    uint8_t *body = malloc(MAX_REPLY);
    int fd = open_floor_connection(host, port, &init_frame, &request_frame, body);
    pthread_barrier_wait(&start_line);
    for (long i = 0; i < calls_per_thread; i++) floor_call(fd, &request_frame, body);
    close(fd);
    free(body);
    return NULL;
}

int main(int argc, char **argv) {
    if (argc != 7 && argc != 8) {
        fprintf(stderr, "usage: %s HOST PORT CODE NUM CALLS THREADS [BUSY_POLL_US]\n", argv[0]);
        return 2;
    }
    busy_poll_seconds = argc == 8 ? atoi(argv[7]) * 1e-6 : 0;
    host = argv[1];
    port = argv[2];
    int threads = atoi(argv[6]);
    long calls = atol(argv[5]);
    if (threads < 1 || calls < threads) {
        fprintf(stderr, "error: need THREADS >= 1 and CALLS >= THREADS\n");
        return 2;
    }
    calls_per_thread = calls / threads;
    init_frame = init_connect_frame();
    request_frame = short_interest_frame(argv[3], atoi(argv[4]));

    timing taken = time_threads(threads, caller);
    long done = calls_per_thread * threads;
    printf("calls=%ld seconds=%.6f calls_per_second=%.1f cpu_seconds=%.6f\n", done, taken.wall_seconds,
           done / taken.wall_seconds, taken.cpu_seconds);
    return 0;
}
