/* Clocks and timed threads for the benchmark programs in bench/c (the floor
 * client too: no library here). */
#ifndef BENCH_CLOCK_H
#define BENCH_CLOCK_H

#include <pthread.h>
#include <sys/resource.h>
#include <time.h>

/* Wall-clock seconds from a fixed point. */
static inline double wall_seconds(void) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)now.tv_sec + (double)now.tv_nsec * 1e-9;
}

/* CPU seconds (user + system) used so far by this process, every thread:
 * the client's own cost, without the gateway's, which runs in another process. */
static inline double process_cpu_seconds(void) {
    struct rusage usage;
    getrusage(RUSAGE_SELF, &usage);
    return (double)usage.ru_utime.tv_sec + (double)usage.ru_utime.tv_usec * 1e-6 +
           (double)usage.ru_stime.tv_sec + (double)usage.ru_stime.tv_usec * 1e-6;
}

/* What time_threads measured. */
typedef struct {
    double wall_seconds;
    double cpu_seconds;
} timing;

/* Where the threads of time_threads wait until the clocks have started:
 * each body calls pthread_barrier_wait(&start_line) after its set-up. */
static pthread_barrier_t start_line;

/* Runs body on `threads` new threads and times them from the moment they
 * pass start_line to the end of the last one. */
static inline timing time_threads(int threads, void *(*body)(void *)) {
    pthread_t ids[threads];
    pthread_barrier_init(&start_line, NULL, (unsigned)threads + 1);
    for (int i = 0; i < threads; i++) pthread_create(&ids[i], NULL, body, NULL);
    /* The clocks start before the barrier lets the threads go: on a loaded
     * machine this thread may run again only after they have finished. */
    timing taken = {wall_seconds(), process_cpu_seconds()};
    pthread_barrier_wait(&start_line);
    for (int i = 0; i < threads; i++) pthread_join(ids[i], NULL);
    taken.wall_seconds = wall_seconds() - taken.wall_seconds;
    taken.cpu_seconds = process_cpu_seconds() - taken.cpu_seconds;
    pthread_barrier_destroy(&start_line);
    return taken;
}

#endif
