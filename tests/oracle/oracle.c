// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * oracle: libbpf's view of a BPF object file, as JSON, for PSBpf's tests.
 *
 *   oracle [-v] open <file.o> [--pin-root DIR] [--btf-custom-path FILE]
 *       bpf_object__open_file() only (nothing reaches the kernel); prints the
 *       object name, its programs and its maps in libbpf's iteration order.
 *
 *   oracle [-v] load <file.o> [--pin-root DIR] [--keep-pins] [--only P1,P2,...]
 *                    [--btf-custom-path FILE]
 *       open + bpf_object__load(); prints kernel id, tag and xlated length of
 *       every loaded program (and the verifier's processed-insn count,
 *       bpf_prog_info.verified_insns) and the id of every created map, then closes
 *       everything. Maps pinned by this run (LIBBPF_PIN_BY_NAME) are unpinned
 *       again unless --keep-pins is given; pins that existed before are left
 *       alone either way. --only turns autoload off for every program not
 *       named (e.g. to load the kprobes of an object whose fentry programs
 *       this kernel cannot load).
 *
 *   --btf-custom-path FILE (open, load) sets bpf_object_open_opts.btf_custom_path:
 *       CO-RE relocates against FILE's BTF (raw BTF or an ELF object's .BTF)
 *       instead of the running kernel's. With -v, libbpf's debug log on stderr
 *       shows every CO-RE decision ("prog 'P': relo #N: ..."); relocation runs
 *       before BPF_PROG_LOAD, so the log is complete even when the load fails.
 *
 *   oracle [-v] btf-bench <btf-file> <iterations> <struct-name>
 *       times btf__parse() + btf__find_by_name_kind(STRUCT) + btf__free() per
 *       iteration with CLOCK_MONOTONIC.
 *
 * Output is one JSON object on stdout, keys in a fixed order. On failure
 * {"error":"<message>","errno":N} is printed and the exit status is 1; bad
 * arguments print usage on stderr and exit 2. libbpf's own messages go to
 * stderr only with -v.
 *
 * Built by tests/fixtures/Makefile against the distribution's libbpf-dev
 * (1.1.2 on Debian 12): only API available in libbpf 1.1 is used.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

static bool verbose;

/*
 * JSON is written to a memory stream and copied to stdout only on success,
 * so a failure half-way never leaves a partial object behind.
 */
static FILE *out;
static char *out_buf;
static size_t out_len;

static void out_begin(void)
{
	out = open_memstream(&out_buf, &out_len);
	if (!out) {
		perror("oracle: open_memstream");
		exit(1);
	}
}

static void out_commit(void)
{
	fclose(out);
	fwrite(out_buf, 1, out_len, stdout);
	fflush(stdout);
	free(out_buf);
	out = stdout;
	out_buf = NULL;
}

/* drop whatever was written so far and write straight to stdout */
static void out_discard(void)
{
	if (out && out != stdout) {
		fclose(out);
		free(out_buf);
		out_buf = NULL;
	}
	out = stdout;
}

/* ---- JSON output --------------------------------------------------------- */

static void json_str(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	if (!s) {
		fputs("null", out);
		return;
	}
	fputc('"', out);
	for (; *p; p++) {
		switch (*p) {
		case '"':  fputs("\\\"", out); break;
		case '\\': fputs("\\\\", out); break;
		case '\b': fputs("\\b", out); break;
		case '\f': fputs("\\f", out); break;
		case '\n': fputs("\\n", out); break;
		case '\r': fputs("\\r", out); break;
		case '\t': fputs("\\t", out); break;
		default:
			if (*p < 0x20 || *p == 0x7f)
				fprintf(out, "\\u%04x", *p);
			else
				fputc(*p, out); /* UTF-8 passes through */
		}
	}
	fputc('"', out);
}

/* "key": prefixed by a comma unless it is the first member */
static void json_key(const char *key, bool *first)
{
	if (!*first)
		fputc(',', out);
	*first = false;
	json_str(key);
	fputc(':', out);
}

static void json_kv_str(const char *key, const char *val, bool *first)
{
	json_key(key, first);
	json_str(val);
}

static void json_kv_u64(const char *key, unsigned long long val, bool *first)
{
	json_key(key, first);
	fprintf(out, "%llu", val);
}

static void json_kv_i64(const char *key, long long val, bool *first)
{
	json_key(key, first);
	fprintf(out, "%lld", val);
}

static void json_kv_bool(const char *key, bool val, bool *first)
{
	json_key(key, first);
	fputs(val ? "true" : "false", out);
}

/* err: negative errno or libbpf error code */
static int fail(int err)
{
	char msg[256];
	bool first = true;

	if (err > 0)
		err = -err;
	if (err == 0)
		err = -EINVAL;
	if (libbpf_strerror(err, msg, sizeof(msg)))
		snprintf(msg, sizeof(msg), "%s", strerror(-err));

	out_discard();
	fputc('{', out);
	json_kv_str("error", msg, &first);
	json_kv_i64("errno", -err, &first);
	fputs("}\n", out);
	return 1;
}

static int fail_msg(const char *msg, int err)
{
	bool first = true;

	out_discard();
	fputc('{', out);
	json_kv_str("error", msg, &first);
	json_kv_i64("errno", err, &first);
	fputs("}\n", out);
	return 1;
}

/* ---- libbpf plumbing ----------------------------------------------------- */

static int print_fn(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	(void)level;
	if (!verbose)
		return 0;
	return vfprintf(stderr, fmt, ap);
}

/* bpf_object_open_opts.btf_custom_path, from --btf-custom-path */
static const char *btf_custom_path;

static struct bpf_object *open_object(const char *path, const char *pin_root, int *err)
{
	LIBBPF_OPTS(bpf_object_open_opts, opts, .pin_root_path = pin_root,
		    .btf_custom_path = btf_custom_path);
	struct bpf_object *obj;

	obj = bpf_object__open_file(path, &opts);
	if (!obj) {
		*err = errno ? -errno : -EINVAL;
		return NULL;
	}
	*err = 0;
	return obj;
}

/* ---- open ---------------------------------------------------------------- */

static int cmd_open(const char *path, const char *pin_root)
{
	struct bpf_program *prog;
	struct bpf_map *map;
	struct bpf_object *obj;
	bool first = true, sep;
	int err;

	obj = open_object(path, pin_root, &err);
	if (!obj)
		return fail(err);

	fputc('{', out);
	json_kv_str("name", bpf_object__name(obj), &first);

	json_key("programs", &first);
	fputc('[', out);
	sep = false;
	bpf_object__for_each_program(prog, obj) {
		bool f = true;

		if (sep)
			fputc(',', out);
		sep = true;
		fputc('{', out);
		json_kv_str("name", bpf_program__name(prog), &f);
		json_kv_str("section", bpf_program__section_name(prog), &f);
		json_kv_i64("type", bpf_program__type(prog), &f);
		json_kv_i64("expected_attach_type", bpf_program__expected_attach_type(prog), &f);
		json_kv_u64("insn_cnt", bpf_program__insn_cnt(prog), &f);
		json_kv_bool("autoload", bpf_program__autoload(prog), &f);
		json_kv_u64("flags", bpf_program__flags(prog), &f);
		fputc('}', out);
	}
	fputc(']', out);

	json_key("maps", &first);
	fputc('[', out);
	sep = false;
	bpf_object__for_each_map(map, obj) {
		bool f = true;

		if (sep)
			fputc(',', out);
		sep = true;
		fputc('{', out);
		json_kv_str("name", bpf_map__name(map), &f);
		json_kv_i64("type", bpf_map__type(map), &f);
		json_kv_u64("key_size", bpf_map__key_size(map), &f);
		json_kv_u64("value_size", bpf_map__value_size(map), &f);
		json_kv_u64("max_entries", bpf_map__max_entries(map), &f);
		json_kv_u64("flags", bpf_map__map_flags(map), &f);
		json_kv_u64("numa_node", bpf_map__numa_node(map), &f);
		json_kv_u64("map_extra", bpf_map__map_extra(map), &f);
		json_kv_u64("ifindex", bpf_map__ifindex(map), &f);
		json_kv_str("pin_path", bpf_map__pin_path(map), &f);
		fputc('}', out);
	}
	fputc(']', out);
	fputs("}\n", out);
	out_commit();

	bpf_object__close(obj);
	return 0;
}

/* ---- load ---------------------------------------------------------------- */

static bool path_exists(const char *path)
{
	struct stat st;

	return path && lstat(path, &st) == 0;
}

/* unpin what this run pinned; had_pin[i] says whether map i's path existed before load */
static void unpin_new(struct bpf_object *obj, const bool *had_pin)
{
	struct bpf_map *map;
	int i = 0;

	bpf_object__for_each_map(map, obj) {
		const char *pin = bpf_map__pin_path(map);

		if (pin && !had_pin[i] && path_exists(pin)) {
			int err = bpf_map__unpin(map, NULL);

			if (err && verbose)
				fprintf(stderr, "oracle: unpin %s: %s\n", pin, strerror(-err));
		}
		i++;
	}
}

/* comma-separated list membership */
static bool in_list(const char *list, const char *name)
{
	size_t n = strlen(name);
	const char *p = list;

	while (*p) {
		const char *end = strchr(p, ',');
		size_t len = end ? (size_t)(end - p) : strlen(p);

		if (len == n && strncmp(p, name, n) == 0)
			return true;
		if (!end)
			break;
		p = end + 1;
	}
	return false;
}

/* every name in the --only list must be a program of the object */
static const char *first_unknown(struct bpf_object *obj, const char *list)
{
	static char name[256];
	const char *p = list;

	while (*p) {
		const char *end = strchr(p, ',');
		size_t len = end ? (size_t)(end - p) : strlen(p);

		if (len >= sizeof(name))
			len = sizeof(name) - 1;
		memcpy(name, p, len);
		name[len] = '\0';
		if (!bpf_object__find_program_by_name(obj, name))
			return name;
		if (!end)
			break;
		p = end + 1;
	}
	return NULL;
}

static int cmd_load(const char *path, const char *pin_root, bool keep_pins, const char *only)
{
	struct bpf_program *prog;
	struct bpf_map *map;
	struct bpf_object *obj;
	bool *had_pin = NULL, first = true, sep;
	int err, nmaps = 0, i;

	obj = open_object(path, pin_root, &err);
	if (!obj)
		return fail(err);

	if (only) {
		const char *unknown = first_unknown(obj, only);

		if (unknown) {
			char msg[300];

			snprintf(msg, sizeof(msg), "no program named '%s'", unknown);
			bpf_object__close(obj);
			return fail_msg(msg, ENOENT);
		}
		bpf_object__for_each_program(prog, obj)
			bpf_program__set_autoload(prog, in_list(only, bpf_program__name(prog)));
	}

	bpf_object__for_each_map(map, obj)
		nmaps++;
	had_pin = calloc(nmaps ? nmaps : 1, sizeof(*had_pin));
	if (!had_pin) {
		bpf_object__close(obj);
		return fail(-ENOMEM);
	}
	i = 0;
	bpf_object__for_each_map(map, obj)
		had_pin[i++] = path_exists(bpf_map__pin_path(map));

	err = bpf_object__load(obj);
	if (err) {
		/* libbpf already unpins maps it pinned during a failed load */
		if (!keep_pins)
			unpin_new(obj, had_pin);
		bpf_object__close(obj);
		free(had_pin);
		return fail(err);
	}

	fputc('{', out);
	json_key("programs", &first);
	fputc('[', out);
	sep = false;
	bpf_object__for_each_program(prog, obj) {
		struct bpf_prog_info info;
		__u32 len = sizeof(info);
		char tag[2 * BPF_TAG_SIZE + 1];
		int fd = bpf_program__fd(prog);
		bool f = true;

		if (fd < 0) /* autoload off */
			continue;
		memset(&info, 0, sizeof(info));
		err = bpf_obj_get_info_by_fd(fd, &info, &len);
		if (err)
			goto info_fail;
		for (i = 0; i < BPF_TAG_SIZE; i++)
			snprintf(tag + 2 * i, 3, "%02x", info.tag[i]);

		if (sep)
			fputc(',', out);
		sep = true;
		fputc('{', out);
		json_kv_str("name", bpf_program__name(prog), &f);
		json_kv_u64("id", info.id, &f);
		json_kv_str("tag", tag, &f);
		json_kv_u64("xlated_len", info.xlated_prog_len, &f);
		json_kv_u64("verified_insns", info.verified_insns, &f);
		fputc('}', out);
	}
	fputc(']', out);

	json_key("maps", &first);
	fputc('[', out);
	sep = false;
	bpf_object__for_each_map(map, obj) {
		struct bpf_map_info info;
		__u32 len = sizeof(info);
		int fd = bpf_map__fd(map);
		bool f = true;

		if (fd < 0) /* not created */
			continue;
		memset(&info, 0, sizeof(info));
		err = bpf_obj_get_info_by_fd(fd, &info, &len);
		if (err)
			goto info_fail;

		if (sep)
			fputc(',', out);
		sep = true;
		fputc('{', out);
		json_kv_str("name", bpf_map__name(map), &f);
		json_kv_u64("id", info.id, &f);
		fputc('}', out);
	}
	fputc(']', out);
	fputs("}\n", out);

	/* tear down before printing: once the JSON is out, nothing is left */
	if (!keep_pins)
		unpin_new(obj, had_pin);
	bpf_object__close(obj);
	free(had_pin);
	out_commit();
	return 0;

info_fail:
	err = errno ? -errno : -EINVAL;
	if (!keep_pins)
		unpin_new(obj, had_pin);
	bpf_object__close(obj);
	free(had_pin);
	return fail(err);
}

/* ---- btf-bench ----------------------------------------------------------- */

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static int cmd_btf_bench(const char *path, long iterations, const char *type_name)
{
	uint64_t *samples, sum = 0, median;
	bool first = true;
	long i;

	samples = calloc(iterations, sizeof(*samples));
	if (!samples)
		return fail(-ENOMEM);

	for (i = 0; i < iterations; i++) {
		uint64_t t0 = now_ns(), t1;
		struct btf *btf;
		__s32 id;
		int err;

		btf = btf__parse(path, NULL);
		if (!btf) {
			err = errno ? -errno : -EINVAL;
			free(samples);
			return fail(err);
		}
		id = btf__find_by_name_kind(btf, type_name, BTF_KIND_STRUCT);
		btf__free(btf);
		t1 = now_ns();

		if (id < 0) {
			char msg[300];

			free(samples);
			snprintf(msg, sizeof(msg), "struct %s not found", type_name);
			return fail_msg(msg, ENOENT);
		}
		samples[i] = t1 - t0;
		sum += samples[i];
	}

	qsort(samples, iterations, sizeof(*samples), cmp_u64);
	if (iterations % 2)
		median = samples[iterations / 2];
	else
		median = (samples[iterations / 2 - 1] + samples[iterations / 2]) / 2;

	fputc('{', out);
	json_kv_i64("iterations", iterations, &first);
	json_kv_u64("median_ns", median, &first);
	json_kv_u64("mean_ns", (sum + iterations / 2) / iterations, &first);
	json_kv_u64("min_ns", samples[0], &first);
	fputs("}\n", out);
	out_commit();

	free(samples);
	return 0;
}

/* ---- main ---------------------------------------------------------------- */

static int usage(void)
{
	fputs("usage: oracle [-v] open <file.o> [--pin-root DIR] [--btf-custom-path FILE]\n"
	      "       oracle [-v] load <file.o> [--pin-root DIR] [--keep-pins] [--only P1,P2,...]\n"
	      "                   [--btf-custom-path FILE]\n"
	      "       oracle [-v] btf-bench <btf-file> <iterations> <struct-name>\n",
	      stderr);
	return 2;
}

int main(int argc, char **argv)
{
	const char *pos[4] = { 0 }, *pin_root = NULL, *only = NULL;
	bool keep_pins = false;
	int npos = 0, i;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (strcmp(a, "-v") == 0 || strcmp(a, "--verbose") == 0) {
			verbose = true;
		} else if (strcmp(a, "--pin-root") == 0) {
			if (++i >= argc || !argv[i][0])
				return usage();
			pin_root = argv[i];
		} else if (strcmp(a, "--only") == 0) {
			if (++i >= argc || !argv[i][0])
				return usage();
			only = argv[i];
		} else if (strcmp(a, "--btf-custom-path") == 0) {
			if (++i >= argc || !argv[i][0])
				return usage();
			btf_custom_path = argv[i];
		} else if (strcmp(a, "--keep-pins") == 0) {
			keep_pins = true;
		} else if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			usage();
			return 0;
		} else if (a[0] == '-' && a[1] != '\0') {
			return usage();
		} else {
			if (npos == (int)(sizeof(pos) / sizeof(pos[0])))
				return usage();
			pos[npos++] = a;
		}
	}
	if (npos == 0)
		return usage();

	libbpf_set_print(print_fn);
	out_begin();

	if (strcmp(pos[0], "open") == 0) {
		if (npos != 2 || keep_pins || only)
			return usage();
		return cmd_open(pos[1], pin_root);
	}
	if (strcmp(pos[0], "load") == 0) {
		if (npos != 2)
			return usage();
		return cmd_load(pos[1], pin_root, keep_pins, only);
	}
	if (strcmp(pos[0], "btf-bench") == 0) {
		char *end;
		long n;

		if (npos != 4 || pin_root || keep_pins || only || btf_custom_path)
			return usage();
		errno = 0;
		n = strtol(pos[2], &end, 10);
		if (errno || *end || end == pos[2] || n <= 0 || n > 100000000L)
			return usage();
		return cmd_btf_bench(pos[1], n, pos[3]);
	}
	return usage();
}
