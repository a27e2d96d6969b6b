/*
 * Syscall-heavy workloads for bin/bench-live: live_workload MODE N [PROCS [RATE]]. Runs N iterations of one loop in
 * each of PROCS processes (default 1) and prints "MODE ns_per_op=X cpu_ns_per_op=C ops=Y seconds=Z": X is the wall time
 * of one iteration in one process, C the CPU time the process itself spent on it (CLOCK_PROCESS_CPUTIME_ID: user
 * and kernel time, including eBPF programs run in its syscalls, but not time spent waiting for a CPU), both the
 * mean over the processes. On a machine shared with other work, C is the figure that isolates the added cost.
 *
 * Modes:
 *   openclose  open("/dev/null") + close          (two syscalls the engine selects)
 *   openread   open + read(1 byte) + close         (read is not captured)
 *   read       read(1 byte) of an open /dev/zero   (not captured: the dispatcher's early return)
 *   stat       stat("/etc/passwd")                 (not captured)
 *   getppid    getppid()                            (not captured, the cheapest syscall)
 *   connect    socket + setsockopt(SO_LINGER 0) + connect to a loopback listener + close (a reset, so no
 *              TIME_WAIT pile-up); the listener (a child) accepts and closes
 *   closebad   close(-1), failing with EBADF       (one selected syscall, the cheapest there is: the event rate
 *              workload)
 *   dupclose   dup(fd) + close of the copy          (two selected syscalls, each changing the fd table)
 *
 * RATE (closebad and dupclose only; 0 or absent = as fast as possible): the iterations per second of all PROCS
 * processes together. Each process paces itself in batches of PACE_BATCH iterations against an absolute schedule
 * (clock_nanosleep to the batch's due time when ahead), so the rate holds on average without a sleep per
 * iteration; a process that falls behind runs flat out without catching up in a burst beyond PACE_BATCH.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double clock_ns(clockid_t clock)
{
	struct timespec t;
	clock_gettime(clock, &t);
	return t.tv_sec * 1e9 + t.tv_nsec;
}

static double now_ns(void)
{
	return clock_ns(CLOCK_MONOTONIC);
}

/* Iterations between two looks at the clock of a paced loop. */
#define PACE_BATCH 256

/* Iterations per second of this process, 0 = unpaced. */
static double pace_per_s;

/* Sleeps until `done` iterations are due when the loop started at `t0` (CLOCK_MONOTONIC ns). */
static void pace(double t0, long done)
{
	if (pace_per_s <= 0)
		return;
	double due = t0 + done * 1e9 / pace_per_s;
	double now = now_ns();
	if (due > now) {
		struct timespec t = {(time_t)(due / 1e9), (long)(due - (double)(time_t)(due / 1e9) * 1e9)};
		clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &t, NULL);
	}
}

/* CPU time of this process at the start and end of the timed loop. */
static double cpu_start, cpu_end;

static double started(void)
{
	cpu_start = clock_ns(CLOCK_PROCESS_CPUTIME_ID);
	return now_ns();
}

static double ended(void)
{
	cpu_end = clock_ns(CLOCK_PROCESS_CPUTIME_ID);
	return now_ns();
}

static int listener(struct sockaddr_in *addr, pid_t *child)
{
	int s = socket(AF_INET, SOCK_STREAM, 0);
	int one = 1;
	setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	memset(addr, 0, sizeof(*addr));
	addr->sin_family = AF_INET;
	addr->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	socklen_t len = sizeof(*addr);
	if (bind(s, (struct sockaddr *)addr, len) != 0 || listen(s, 4096) != 0 ||
	    getsockname(s, (struct sockaddr *)addr, &len) != 0) {
		perror("listener");
		exit(2);
	}
	*child = fork();
	if (*child == 0) {
		for (;;) {
			int c = accept(s, NULL, NULL);
			if (c >= 0)
				close(c);
		}
	}
	close(s);
	return 0;
}

static double run(const char *mode, long n)
{
	char buf[1];
	double t0, t1;
	if (strcmp(mode, "openclose") == 0) {
		t0 = started();
		for (long i = 0; i < n; i++)
			close(open("/dev/null", O_RDONLY));
		t1 = ended();
	} else if (strcmp(mode, "openread") == 0) {
		t0 = started();
		for (long i = 0; i < n; i++) {
			int fd = open("/dev/zero", O_RDONLY);
			if (read(fd, buf, 1) != 1)
				exit(3);
			close(fd);
		}
		t1 = ended();
	} else if (strcmp(mode, "read") == 0) {
		int fd = open("/dev/zero", O_RDONLY);
		t0 = started();
		for (long i = 0; i < n; i++)
			if (read(fd, buf, 1) != 1)
				exit(3);
		t1 = ended();
		close(fd);
	} else if (strcmp(mode, "stat") == 0) {
		struct stat st;
		t0 = started();
		for (long i = 0; i < n; i++)
			stat("/etc/passwd", &st);
		t1 = ended();
	} else if (strcmp(mode, "getppid") == 0) {
		t0 = started();
		for (long i = 0; i < n; i++)
			getppid();
		t1 = ended();
	} else if (strcmp(mode, "connect") == 0) {
		struct sockaddr_in addr;
		pid_t child;
		listener(&addr, &child);
		t0 = started();
		for (long i = 0; i < n; i++) {
			int s = socket(AF_INET, SOCK_STREAM, 0);
			/* Reset on close: no TIME_WAIT pile-up exhausting the ephemeral ports. */
			struct linger lg = {1, 0};
			setsockopt(s, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
			if (connect(s, (struct sockaddr *)&addr, sizeof(addr)) != 0) {
				perror("connect");
				exit(3);
			}
			close(s);
		}
		t1 = ended();
		kill(child, SIGKILL);
		waitpid(child, NULL, 0);
	} else if (strcmp(mode, "closebad") == 0) {
		t0 = started();
		for (long i = 0; i < n; i += PACE_BATCH) {
			long end = i + PACE_BATCH < n ? i + PACE_BATCH : n;
			for (long j = i; j < end; j++)
				close(-1);
			pace(t0, end);
		}
		t1 = ended();
	} else if (strcmp(mode, "dupclose") == 0) {
		int fd = open("/dev/null", O_RDONLY);
		t0 = started();
		for (long i = 0; i < n; i += PACE_BATCH) {
			long end = i + PACE_BATCH < n ? i + PACE_BATCH : n;
			for (long j = i; j < end; j++)
				close(dup(fd));
			pace(t0, end);
		}
		t1 = ended();
		close(fd);
	} else {
		fprintf(stderr, "unknown mode %s\n", mode);
		exit(2);
	}
	return t1 - t0;
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: live_workload MODE N [PROCS [RATE]]\n");
		return 2;
	}
	const char *mode = argv[1];
	long n = atol(argv[2]);
	int procs = argc > 3 ? atoi(argv[3]) : 1;
	if (procs < 1)
		procs = 1;
	pace_per_s = argc > 4 ? atof(argv[4]) / procs : 0;
	int fds[2];
	if (pipe(fds) != 0)
		return 2;
	double start = now_ns();
	for (int p = 0; p < procs; p++) {
		if (fork() == 0) {
			double ns[2] = {run(mode, n), cpu_end - cpu_start};
			if (write(fds[1], ns, sizeof(ns)) != sizeof(ns))
				_exit(2);
			_exit(0);
		}
	}
	double total = 0, cpu = 0;
	for (int p = 0; p < procs; p++) {
		double ns[2];
		if (read(fds[0], ns, sizeof(ns)) != sizeof(ns))
			return 2;
		total += ns[0];
		cpu += ns[1];
	}
	while (wait(NULL) > 0)
		;
	double wall = now_ns() - start;
	printf("%s ns_per_op=%.1f cpu_ns_per_op=%.1f ops=%ld seconds=%.3f\n", mode, total / procs / n, cpu / procs / n,
	       n * procs, wall / 1e9);
	return 0;
}
