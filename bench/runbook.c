// The runbook of issue #13 in C with libbpf, the reference for bench/run-runbook.sh: open, load, attach every program
// from its SEC() name, detach and close, as libbpf-bootstrap's programs do. Prints the milliseconds of each phase:
//   open_load_ms attach_ms detach_ms
// Usage: runbook <file.bpf.o>
#include <bpf/libbpf.h>
#include <stdio.h>
#include <time.h>

#define MAX_LINKS 64

static int quiet(enum libbpf_print_level level, const char *fmt, va_list args)
{
	(void)level; (void)fmt; (void)args;
	return 0;
}

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: %s <file.bpf.o>\n", argv[0]);
		return 2;
	}
	libbpf_set_print(quiet);
	double t0 = now_ms();
	struct bpf_object *obj = bpf_object__open_file(argv[1], NULL);
	if (!obj || bpf_object__load(obj)) {
		fprintf(stderr, "open or load failed\n");
		return 1;
	}
	double t1 = now_ms();
	struct bpf_link *links[MAX_LINKS];
	int n = 0;
	struct bpf_program *prog;
	bpf_object__for_each_program(prog, obj) {
		if (n == MAX_LINKS)
			break;
		struct bpf_link *link = bpf_program__attach(prog);
		if (!link) {
			fprintf(stderr, "attach of %s failed\n", bpf_program__name(prog));
			return 1;
		}
		links[n++] = link;
	}
	double t2 = now_ms();
	for (int i = 0; i < n; i++)
		bpf_link__destroy(links[i]);
	bpf_object__close(obj);
	double t3 = now_ms();
	printf("%.1f %.1f %.1f\n", t1 - t0, t2 - t1, t3 - t2);
	return 0;
}
