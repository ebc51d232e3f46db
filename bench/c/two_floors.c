/* two_floors: two identical floor clients on one gateway, taking turns.
 *
 *   two_floors HOST PORT CODE NUM ROUNDS BLOCK
 *
 * One thread opens two floor connections (floor_wire.h), one after the
 * other, and for each of ROUNDS rounds makes BLOCK calls on the first and
 * then BLOCK on the second. The two send the same bytes and the gateway
 * answers them alike, so any difference between their calls per second is
 * where the gateway serves each connection: `shortinterest serve` hands
 * consecutive connections to different event loops unless it runs with
 * --event-loops 1. Prints one line: first_calls_per_second,
 * second_calls_per_second and second_of_first.
 */
#include "floor_wire.h"

int main(int argc, char **argv) {
    if (argc != 7) {
        fprintf(stderr, "usage: %s HOST PORT CODE NUM ROUNDS BLOCK\n", argv[0]);
        return 2;
    }
    long rounds = atol(argv[5]), block = atol(argv[6]);
    if (rounds < 1 || block < 1) {
        fprintf(stderr, "error: need ROUNDS >= 1 and BLOCK >= 1\n");
        return 2;
    }
    uint8_t *body = malloc(MAX_REPLY);
    frame init = init_connect_frame(), request = short_interest_frame(argv[3], atoi(argv[4]));
    int connections[2];
    for (int which = 0; which < 2; which++)
        connections[which] = open_floor_connection(argv[1], argv[2], &init, &request, body);

    double wall[2] = {0};
    for (long round = 0; round < rounds; round++) {
        for (int which = 0; which < 2; which++) {
            double start = wall_seconds();
            for (long i = 0; i < block; i++) floor_call(connections[which], &request, body);
            wall[which] += wall_seconds() - start;
        }
    }
    long calls = rounds * block;
    printf("calls=%ld first_calls_per_second=%.1f second_calls_per_second=%.1f second_of_first=%.4f\n", calls,
           calls / wall[0], calls / wall[1], wall[0] / wall[1]);
    for (int which = 0; which < 2; which++) close(connections[which]);
    free(body);
    return 0;
}
