// Open+load benchmark, libbpf side: times bpf_object__open_file + bpf_object__load per iteration, or with "open"
// only bpf_object__open_file (close outside the timed region), after warm-up, and prints one line:
//   median_ns mean_ns min_ns p90_ns iterations
// Usage: load_bench <file.bpf.o> <warmup> <iterations> [open]
#include <bpf/libbpf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int quiet(enum libbpf_print_level level, const char *fmt, va_list args)
{
	(void)level; (void)fmt; (void)args;
	return 0;
}

static long long now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static int cmp(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;
	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	if (argc != 4 && !(argc == 5 && strcmp(argv[4], "open") == 0)) {
		fprintf(stderr, "usage: %s <file.bpf.o> <warmup> <iterations> [open]\n", argv[0]);
		return 2;
	}
	int open_only = argc == 5;
	const char *path = argv[1];
	int warmup = atoi(argv[2]), n = atoi(argv[3]);
	long long *t = calloc(n, sizeof(*t));
	libbpf_set_print(quiet);
	for (int i = -warmup; i < n; i++) {
		long long t0 = now_ns();
		struct bpf_object *obj = bpf_object__open_file(path, NULL);
		if (!obj || (!open_only && bpf_object__load(obj))) {
			fprintf(stderr, open_only ? "open failed\n" : "load failed\n");
			return 1;
		}
		long long t1 = now_ns();
		bpf_object__close(obj);
		if (i >= 0)
			t[i] = t1 - t0;
	}
	qsort(t, n, sizeof(*t), cmp);
	long long sum = 0;
	for (int i = 0; i < n; i++)
		sum += t[i];
	printf("%lld %lld %lld %lld %d\n", t[n / 2], sum / n, t[0], t[(n * 9) / 10], n);
	return 0;
}
