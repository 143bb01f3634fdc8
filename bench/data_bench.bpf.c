// SPDX-License-Identifier: GPL-2.0
// BPF side of the map-dump and ring-buffer benchmarks (bench/run-data.sh). One program, run with
// BPF_PROG_TEST_RUN: op FILL writes keys 0..count-1 into dump_map, op PRODUCE emits count records into events.
// Both maps are pinned by name, so PSBpf and the libbpf harness share the very same kernel maps.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#define DUMP_ENTRIES 1000000
#define RING_BYTES (128u << 20)

// The value a key is filled with; the harnesses compute the expected sum with the same formula.
#define VALUE_OF(k) ((__u64)(k) * 2654435761ULL + 1)

enum { OP_FILL = 1, OP_PRODUCE = 2 };

struct ctx_args {
	__u32 op;
	__u32 count;
	__u64 done; // out: entries written or records produced
};

// One ring-buffer record: 64 bytes of payload (72 with the kernel's 8-byte header).
struct event {
	__u64 seq;
	__u64 pad[7];
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, DUMP_ENTRIES);
	__type(key, __u32);
	__type(value, __u64);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} dump_map SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, RING_BYTES);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} events SEC(".maps");

static long fill_one(__u64 i, void *c)
{
	struct ctx_args *args = c;
	__u32 key = (__u32)i;
	__u64 value = VALUE_OF(key);
	if (bpf_map_update_elem(&dump_map, &key, &value, BPF_ANY) == 0)
		args->done++;
	return 0;
}

static long produce_one(__u64 i, void *c)
{
	struct ctx_args *args = c;
	struct event *e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e)
		return 1; // ring full: stop
	e->seq = i;
	for (int j = 0; j < 7; j++)
		e->pad[j] = i;
	// Default (adaptive) wakeup: the kernel signals epoll only when the consumer has caught up, as in real use.
	bpf_ringbuf_submit(e, 0);
	args->done++;
	return 0;
}

SEC("syscall")
int run(struct ctx_args *args)
{
	struct ctx_args local = { .op = args->op, .count = args->count, .done = 0 };
	if (local.op == OP_FILL)
		bpf_loop(local.count, fill_one, &local, 0);
	else if (local.op == OP_PRODUCE)
		bpf_loop(local.count, produce_one, &local, 0);
	args->done = local.done;
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
