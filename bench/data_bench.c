// Map-dump and ring-buffer benchmark, libbpf side (bench/run-data.sh). A long-lived child of the .NET harness: it
// reads one command per line on stdin and answers each with one JSON line on stdout. It opens the same BPF object
// as PSBpf with the same pin root, so libbpf reuses the maps PSBpf created and pinned: both sides read the same
// kernel hash map and the same ring buffer. It also runs the producer (BPF_PROG_TEST_RUN) for both sides.
//
// Commands:
//   open <file.bpf.o> <pin root>             -> {"ok":1}
//   fill <n>                                 -> {"done":n}        keys 0..n-1 into dump_map
//   produce <n>                              -> {"done":n}        n records into events
//   dump_batch <warmup> <iters> <batch>      -> {"count":..,"sum":..,"samples_ns":[..]}   bpf_map_lookup_batch
//   dump_loop <warmup> <iters>               -> same, bpf_map_get_next_key + bpf_map_lookup_elem per key
//   ring <poll|consume> <warmup> <iters> <n> -> {"count":..,"sum":..,"samples_ns":[..]}   per iteration: produce n
//                                               (untimed), then time ring_buffer__poll / __consume until n are read
//   quit
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define DUMP_ENTRIES 1000000

enum { OP_FILL = 1, OP_PRODUCE = 2 };

struct ctx_args {
	uint32_t op;
	uint32_t count;
	uint64_t done;
};

struct event {
	uint64_t seq;
	uint64_t pad[7];
};

static struct bpf_object *obj;
static int map_fd = -1, ring_fd = -1, prog_fd = -1;
static struct ring_buffer *rb;
static uint32_t *keys;
static uint64_t *values;
static uint64_t rec_count, rec_sum;

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

static void fail(const char *what, int err)
{
	printf("{\"error\":\"%s: %s\"}\n", what, strerror(err < 0 ? -err : err));
	fflush(stdout);
}

static int run_prog(uint32_t op, uint32_t count, uint64_t *done)
{
	struct ctx_args a = { .op = op, .count = count };
	LIBBPF_OPTS(bpf_test_run_opts, opts, .ctx_in = &a, .ctx_size_in = sizeof(a));
	int err = bpf_prog_test_run_opts(prog_fd, &opts);
	*done = a.done;
	return err;
}

static void print_samples(uint64_t count, uint64_t sum, const long long *t, int n)
{
	printf("{\"count\":%llu,\"sum\":%llu,\"samples_ns\":[", (unsigned long long)count, (unsigned long long)sum);
	for (int i = 0; i < n; i++)
		printf("%s%lld", i ? "," : "", t[i]);
	printf("]}\n");
	fflush(stdout);
}

// Full dump with BPF_MAP_LOOKUP_BATCH into arrays sized for the whole map (allocated once, outside the timing).
static int dump_batch(uint32_t batch, uint64_t *count, uint64_t *sum)
{
	uint64_t n = 0, s = 0;
	uint32_t in_token = 0, out_token = 0;
	void *in = NULL;
	for (;;) {
		uint32_t want = batch;
		if (n + want > DUMP_ENTRIES)
			want = DUMP_ENTRIES - n;
		if (want == 0)
			return -E2BIG;
		LIBBPF_OPTS(bpf_map_batch_opts, opts);
		int err = bpf_map_lookup_batch(map_fd, in, &out_token, keys + n, values + n, &want, &opts);
		if (err && errno != ENOENT)
			return -errno;
		for (uint32_t i = 0; i < want; i++)
			s += values[n + i];
		n += want;
		if (err) // ENOENT: the last batch
			break;
		in_token = out_token;
		in = &in_token;
	}
	*count = n;
	*sum = s;
	return 0;
}

// Full dump key by key: two system calls per entry, as a get_next_key loop does.
static int dump_loop(uint64_t *count, uint64_t *sum)
{
	uint64_t n = 0, s = 0;
	uint32_t key, *prev = NULL;
	while (bpf_map_get_next_key(map_fd, prev, &key) == 0) {
		if (n >= DUMP_ENTRIES)
			return -E2BIG;
		uint64_t v;
		if (bpf_map_lookup_elem(map_fd, &key, &v) == 0) {
			keys[n] = key;
			values[n] = v;
			s += v;
			n++;
		}
		prev = &keys[n ? n - 1 : 0];
	}
	if (errno != ENOENT)
		return -errno;
	*count = n;
	*sum = s;
	return 0;
}

static int on_record(void *ctx, void *data, size_t size)
{
	(void)ctx;
	(void)size;
	rec_count++;
	rec_sum += ((const struct event *)data)->seq;
	return 0;
}

int main(void)
{
	char line[4096];
	libbpf_set_print(quiet);
	setvbuf(stdout, NULL, _IOFBF, 1 << 20);
	keys = calloc(DUMP_ENTRIES, sizeof(*keys));
	values = calloc(DUMP_ENTRIES, sizeof(*values));
	if (!keys || !values)
		return 1;
	// Touch the buffers once so no dump pays their first page faults.
	memset(keys, 1, DUMP_ENTRIES * sizeof(*keys));
	memset(values, 1, DUMP_ENTRIES * sizeof(*values));

	while (fgets(line, sizeof(line), stdin)) {
		char cmd[32] = "", a1[2048] = "", a2[2048] = "";
		long long n1 = 0, n2 = 0, n3 = 0;
		sscanf(line, "%31s", cmd);
		if (!strcmp(cmd, "quit")) {
			break;
		} else if (!strcmp(cmd, "open")) {
			if (sscanf(line, "%*s %2047s %2047s", a1, a2) != 2) {
				fail("open", EINVAL);
				continue;
			}
			LIBBPF_OPTS(bpf_object_open_opts, oo, .pin_root_path = a2);
			obj = bpf_object__open_file(a1, &oo);
			int err = obj ? bpf_object__load(obj) : -errno;
			if (err) {
				fail("open/load", err);
				continue;
			}
			map_fd = bpf_object__find_map_fd_by_name(obj, "dump_map");
			ring_fd = bpf_object__find_map_fd_by_name(obj, "events");
			prog_fd = bpf_program__fd(bpf_object__find_program_by_name(obj, "run"));
			rb = ring_buffer__new(ring_fd, on_record, NULL, NULL);
			if (map_fd < 0 || ring_fd < 0 || prog_fd < 0 || !rb) {
				fail("open: maps/program/ring", ENOENT);
				continue;
			}
			printf("{\"ok\":1}\n");
			fflush(stdout);
		} else if (!strcmp(cmd, "fill") || !strcmp(cmd, "produce")) {
			uint64_t done = 0;
			sscanf(line, "%*s %lld", &n1);
			int err = run_prog(cmd[0] == 'f' ? OP_FILL : OP_PRODUCE, (uint32_t)n1, &done);
			if (err) {
				fail(cmd, err);
				continue;
			}
			printf("{\"done\":%llu}\n", (unsigned long long)done);
			fflush(stdout);
		} else if (!strcmp(cmd, "dump_batch") || !strcmp(cmd, "dump_loop")) {
			int batched = !strcmp(cmd, "dump_batch");
			sscanf(line, "%*s %lld %lld %lld", &n1, &n2, &n3);
			if (n2 <= 0 || (batched && n3 <= 0)) {
				fail(cmd, EINVAL);
				continue;
			}
			long long *t = calloc(n2, sizeof(*t));
			uint64_t count = 0, sum = 0;
			int err = 0;
			for (long long i = -n1; i < n2 && !err; i++) {
				long long t0 = now_ns();
				err = batched ? dump_batch((uint32_t)n3, &count, &sum) : dump_loop(&count, &sum);
				long long t1 = now_ns();
				if (i >= 0)
					t[i] = t1 - t0;
			}
			if (err)
				fail(cmd, err);
			else
				print_samples(count, sum, t, (int)n2);
			free(t);
		} else if (!strcmp(cmd, "ring")) {
			if (sscanf(line, "%*s %2047s %lld %lld %lld", a1, &n1, &n2, &n3) != 4 || n2 <= 0 || n3 <= 0) {
				fail(cmd, EINVAL);
				continue;
			}
			int poll = !strcmp(a1, "poll");
			long long *t = calloc(n2, sizeof(*t));
			int err = 0;
			for (long long i = -n1; i < n2 && !err; i++) {
				uint64_t done = 0;
				err = run_prog(OP_PRODUCE, (uint32_t)n3, &done);
				if (!err && done != (uint64_t)n3)
					err = -ENOSPC;
				rec_count = rec_sum = 0;
				long long t0 = now_ns();
				while (!err && rec_count < (uint64_t)n3) {
					int r = poll ? ring_buffer__poll(rb, 100) : ring_buffer__consume(rb);
					if (r < 0)
						err = r;
					else if (r == 0 && !poll)
						err = -EAGAIN; // everything was committed before the timing started
				}
				long long t1 = now_ns();
				if (i >= 0)
					t[i] = t1 - t0;
			}
			if (err)
				fail(cmd, err);
			else
				print_samples(rec_count, rec_sum, t, (int)n2);
			free(t);
		} else {
			fail(cmd, EINVAL);
		}
	}
	ring_buffer__free(rb);
	bpf_object__close(obj);
	return 0;
}
