#include <fcntl.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
int main(int argc, char **argv) {
  long n = argc > 1 ? atol(argv[1]) : 1000000;
  struct timespec a, b;
  clock_gettime(CLOCK_MONOTONIC, &a);
  for (long i = 0; i < n; i++) { int fd = open("/dev/null", O_RDONLY); close(fd); }
  clock_gettime(CLOCK_MONOTONIC, &b);
  double ns = (b.tv_sec - a.tv_sec) * 1e9 + (b.tv_nsec - a.tv_nsec);
  printf("openclose_pairs=%ld ns_per_pair=%.1f\n", n, ns / n);
  clock_gettime(CLOCK_MONOTONIC, &a);
  for (long i = 0; i < n; i++) { getppid(); }
  clock_gettime(CLOCK_MONOTONIC, &b);
  ns = (b.tv_sec - a.tv_sec) * 1e9 + (b.tv_nsec - a.tv_nsec);
  printf("getppid_ns=%.1f\n", ns / n);
  return 0;
}
