// SPDX-License-Identifier: MIT
/*
 * btf_parse_bench: libbpf side of the kernel-BTF benchmark (see docs/benchmarks.md).
 *
 * Measures, with clock_gettime(CLOCK_MONOTONIC) around each iteration:
 *   parse_find: btf__parse(path, NULL) + btf__find_by_name_kind(btf, name, BTF_KIND_STRUCT) + btf__free
 *   mem_parse_find: btf__new(data, size) + the same lookup + btf__free, from bytes read once beforehand
 *               (parsing alone, without the file I/O; btf__new copies the bytes, as btf__parse does)
 *   find_last : btf__find_by_name_kind(btf, last_name, BTF_KIND_STRUCT) on one already-parsed btf
 * after warm-up iterations, and prints one JSON object with per-row statistics in nanoseconds
 * (median, mean, min, p90, max), the minor page faults during the timed iterations, and the type
 * id each lookup found, so the caller can check that both implementations agree.
 *
 * Usage: btf_parse_bench [--path P] [--name N] [--last-name N] [--iters N] [--warmup N]
 *                        [--find-iters N] [--find-warmup N] [--raw 1]
 * --last-name defaults to the name of the last STRUCT in the BTF (found once, outside timing).
 *
 * Build: gcc -O2 -o btf_parse_bench btf_parse_bench.c -lbpf -lelf -lz
 */
#define _GNU_SOURCE
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* Minor page faults of this process so far (ru_minflt), to compare with the .NET side's. */
static long minflt(void)
{
	struct rusage ru;

	return getrusage(RUSAGE_SELF, &ru) ? -1 : ru.ru_minflt;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Prints s as a JSON string literal (paths may hold quotes or backslashes). */
static void print_json_str(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c < 0x20)
			printf("\\u%04x", c);
		else
			putchar(c);
	}
	putchar('"');
}

static int raw; /* --raw 1: also print every sample (sorted), for callers that pool rounds */

/* Same statistics as the .NET harness (Stats.cs): median = mean of the two middle
 * samples for an even count, p90 = nearest-rank (ceil(0.9 * n)-th smallest). */
static void print_stats(const char *row, uint64_t *s, int n, long found_id, const char *name, long faults, int last)
{
	double sum = 0, median;
	int rank, i;

	qsort(s, n, sizeof(*s), cmp_u64);
	for (i = 0; i < n; i++)
		sum += (double)s[i];
	median = n % 2 ? (double)s[n / 2] : ((double)s[n / 2 - 1] + (double)s[n / 2]) / 2.0;
	rank = (int)((9 * (long)n + 9) / 10); /* ceil(0.9 n) */
	if (rank < 1)
		rank = 1;
	printf("    \"%s\": {\"name\": ", row);
	print_json_str(name);
	printf(", \"id\": %ld, \"page_faults\": %ld, \"iterations\": %d, "
	       "\"median_ns\": %.1f, \"mean_ns\": %.1f, \"min_ns\": %llu, \"p90_ns\": %llu, \"max_ns\": %llu",
	       found_id, faults, n, median, sum / n, (unsigned long long)s[0],
	       (unsigned long long)s[rank - 1], (unsigned long long)s[n - 1]);
	if (raw) {
		printf(", \"samples_ns\": [");
		for (i = 0; i < n; i++)
			printf("%s%llu", i ? "," : "", (unsigned long long)s[i]);
		printf("]");
	}
	printf("}%s\n", last ? "" : ",");
}

static int arg_int(const char *v, const char *opt)
{
	char *end;
	long x = strtol(v, &end, 10);

	if (*v == '\0' || *end != '\0' || x <= 0 || x > 100000000) {
		fprintf(stderr, "btf_parse_bench: %s needs a positive integer, got '%s'\n", opt, v);
		exit(2);
	}
	return (int)x;
}

/* The whole file, read with stdio until EOF (sysfs files may not report a size). */
static void *read_file(const char *path, size_t *size)
{
	size_t cap = 1 << 20, len = 0, r;
	char *buf = malloc(cap), *nb;
	FILE *f = fopen(path, "rb");

	if (!f || !buf) {
		fprintf(stderr, "btf_parse_bench: %s: %s\n", path, strerror(errno));
		exit(1);
	}
	while ((r = fread(buf + len, 1, cap - len, f)) > 0) {
		len += r;
		if (len == cap) {
			nb = realloc(buf, cap *= 2);
			if (!nb)
				exit(1);
			buf = nb;
		}
	}
	fclose(f);
	*size = len;
	return buf;
}

int main(int argc, char **argv)
{
	const char *path = "/sys/kernel/btf/vmlinux", *name = "task_struct", *last_name = NULL;
	int iters = 200, warmup = 10, find_iters = 200, find_warmup = 10;
	char last_buf[256];
	uint64_t *parse_samples, *mem_samples, *find_samples;
	struct btf *btf;
	long id = -1, mem_id = -1, last_id = -1, f0, parse_faults, mem_faults, find_faults;
	size_t size;
	void *data;
	int i, n;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!v) {
			fprintf(stderr, "btf_parse_bench: %s needs a value\n", a);
			return 2;
		}
		if (!strcmp(a, "--path")) path = v;
		else if (!strcmp(a, "--name")) name = v;
		else if (!strcmp(a, "--last-name")) last_name = v;
		else if (!strcmp(a, "--iters")) iters = arg_int(v, a);
		else if (!strcmp(a, "--warmup")) warmup = arg_int(v, a);
		else if (!strcmp(a, "--find-iters")) find_iters = arg_int(v, a);
		else if (!strcmp(a, "--find-warmup")) find_warmup = arg_int(v, a);
		else if (!strcmp(a, "--raw")) raw = arg_int(v, a);
		else {
			fprintf(stderr, "btf_parse_bench: unknown option %s\n", a);
			return 2;
		}
		i++;
	}

	libbpf_set_print(NULL);
	parse_samples = calloc(iters, sizeof(*parse_samples));
	mem_samples = calloc(iters, sizeof(*mem_samples));
	find_samples = calloc(find_iters, sizeof(*find_samples));
	if (!parse_samples || !mem_samples || !find_samples)
		return 1;

	/* Row 1: full parse + lookup + free, every iteration from the file. */
	f0 = 0;
	for (i = -warmup; i < iters; i++) {
		uint64_t t0;

		if (i == 0)
			f0 = minflt();
		t0 = now_ns();

		btf = btf__parse(path, NULL);
		if (!btf) {
			fprintf(stderr, "btf_parse_bench: btf__parse(%s): %s\n", path, strerror(errno));
			return 1;
		}
		id = btf__find_by_name_kind(btf, name, BTF_KIND_STRUCT);
		btf__free(btf);
		if (i >= 0)
			parse_samples[i] = now_ns() - t0;
	}
	parse_faults = minflt() - f0;

	/* Row 2: parse + lookup + free from memory (the file read once, outside timing). */
	data = read_file(path, &size);
	for (i = -warmup; i < iters; i++) {
		uint64_t t0;

		if (i == 0)
			f0 = minflt();
		t0 = now_ns();

		btf = btf__new(data, (__u32)size);
		if (!btf) {
			fprintf(stderr, "btf_parse_bench: btf__new(%s): %s\n", path, strerror(errno));
			return 1;
		}
		mem_id = btf__find_by_name_kind(btf, name, BTF_KIND_STRUCT);
		btf__free(btf);
		if (i >= 0)
			mem_samples[i] = now_ns() - t0;
	}
	mem_faults = minflt() - f0;
	free(data);

	/* Row 3: lookup alone on one parsed BTF, for a name near the end of the type list. */
	btf = btf__parse(path, NULL);
	if (!btf) {
		fprintf(stderr, "btf_parse_bench: btf__parse(%s): %s\n", path, strerror(errno));
		return 1;
	}
	if (!last_name) {
		for (n = (int)btf__type_cnt(btf) - 1; n > 0; n--) {
			const struct btf_type *t = btf__type_by_id(btf, n);

			if (btf_kind(t) == BTF_KIND_STRUCT && t->name_off) {
				snprintf(last_buf, sizeof(last_buf), "%s", btf__name_by_offset(btf, t->name_off));
				last_name = last_buf;
				break;
			}
		}
		if (!last_name) {
			fprintf(stderr, "btf_parse_bench: %s has no named struct\n", path);
			return 1;
		}
	}
	for (i = -find_warmup; i < find_iters; i++) {
		uint64_t t0;

		if (i == 0)
			f0 = minflt();
		t0 = now_ns();

		last_id = btf__find_by_name_kind(btf, last_name, BTF_KIND_STRUCT);
		if (i >= 0)
			find_samples[i] = now_ns() - t0;
	}
	find_faults = minflt() - f0;
	n = (int)btf__type_cnt(btf);
	btf__free(btf);

	printf("{\n  \"impl\": \"libbpf %s\",\n  \"path\": ", libbpf_version_string());
	print_json_str(path);
	printf(",\n  \"types\": %d,\n  \"warmup\": %d,\n  \"rows\": {\n", n, warmup);
	print_stats("parse_find", parse_samples, iters, id, name, parse_faults, 0);
	print_stats("mem_parse_find", mem_samples, iters, mem_id, name, mem_faults, 0);
	print_stats("find_last", find_samples, find_iters, last_id, last_name, find_faults, 1);
	printf("  }\n}\n");
	free(parse_samples);
	free(mem_samples);
	free(find_samples);
	return 0;
}
