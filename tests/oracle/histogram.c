// SPDX-License-Identifier: MIT
/*
 * hist_oracle: prints a histogram of counts given on the command line in the layout of libbpf-tools'
 * print_log2_hist() and print_linear_hist() (bcc, libbpf-tools/trace_helpers.c), for the Pester tests of
 * ConvertTo-BpfHistogram to compare with line by line. Written for PSBpf from the layout that file prints: header,
 * widths, 40-star bars, which buckets are printed.
 *
 *   hist_oracle log2   <unit> [count ...]
 *   hist_oracle linear <unit> <base> <step> [count ...]
 *   hist_oracle ... --label <text>     prints <text> on its own line first (a per-key section header)
 *
 * Two deliberate differences from libbpf-tools, both where its 32-bit slots cannot go: counts are 64-bit (printed
 * with the same left-aligned 8-column field, which wider numbers widen), and a bar is computed in 128 bits
 * (libbpf-tools' unsigned int product count * 40 wraps for counts above 107374182). Bucket 63's range is printed as
 * 2^63 -> 2^64-1 (libbpf-tools shifts 1ULL by 64 there, which C leaves undefined). For counts up to 107374182 in
 * buckets 0 to 62 the output is libbpf-tools' byte for byte.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BAR_FULL 40

static void bar(unsigned long long count, unsigned long long max, int width)
{
	int n = (int)((unsigned __int128)(count < max ? count : max) * (unsigned)width / max);
	char buf[BAR_FULL + 1];

	memset(buf, '*', n);
	memset(buf + n, ' ', width - n);
	buf[width] = '\0';
	printf("|%s|\n", buf);
}

static unsigned long long parse(const char *s)
{
	char *end;
	unsigned long long v = strtoull(s, &end, 0);

	if (*s == '\0' || *end != '\0' || *s == '-') {
		fprintf(stderr, "hist_oracle: not a count: '%s'\n", s);
		exit(2);
	}
	return v;
}

static void log2_hist(const unsigned long long *c, int n, const char *unit)
{
	unsigned long long max = 0;
	int last = -1;

	for (int i = 0; i < n; i++) {
		if (c[i])
			last = i;
		if (c[i] > max)
			max = c[i];
	}
	if (last < 0)
		return;

	int wide = last > 32;
	int w = wide ? 20 : 10;

	printf("%*s%-*s : count    distribution\n", wide ? 15 : 5, "", wide ? 29 : 19, unit);
	for (int i = 0; i <= last; i++) {
		unsigned long long lo = i == 0 ? 0 : 1ULL << i;
		unsigned long long hi = i == 0 ? 1 : i == 63 ? ~0ULL : (1ULL << (i + 1)) - 1;

		printf("%*llu -> %-*llu : %-8llu ", w, lo, w, hi, c[i]);
		bar(c[i], max, wide ? BAR_FULL / 2 : BAR_FULL);
	}
}

static void linear_hist(const unsigned long long *c, int n, unsigned long long base, unsigned long long step,
			const char *unit)
{
	unsigned long long max = 0;
	int any = 0;

	for (int i = 0; i < n; i++) {
		any |= c[i] != 0;
		if (c[i] > max)
			max = c[i];
	}
	if (!any)
		return;

	printf("     %-13s : count     distribution\n", unit);
	for (int i = 0; i < n; i++) {
		if (!c[i])
			continue; /* libbpf-tools prints only the non-empty buckets */
		printf("        %-10llu : %-8llu ", base + (unsigned long long)i * step, c[i]);
		bar(c[i], max, BAR_FULL);
	}
}

int main(int argc, char **argv)
{
	const char *label = NULL;
	int argn = 0;
	char **args = calloc(argc, sizeof(*args));

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--label") && i + 1 < argc)
			label = argv[++i];
		else
			args[argn++] = argv[i];
	}

	int linear = argn >= 1 && !strcmp(args[0], "linear");
	int fixed = linear ? 4 : 2;

	if (argn < fixed || (!linear && strcmp(args[0], "log2"))) {
		fprintf(stderr, "usage: hist_oracle log2 <unit> [count ...] | linear <unit> <base> <step> [count ...] [--label text]\n");
		return 2;
	}

	int n = argn - fixed;
	unsigned long long *counts = calloc(n ? n : 1, sizeof(*counts));

	for (int i = 0; i < n; i++)
		counts[i] = parse(args[fixed + i]);
	if (label)
		printf("%s\n", label);
	if (linear)
		linear_hist(counts, n, parse(args[2]), parse(args[3]), args[1]);
	else
		log2_hist(counts, n, args[1]);
	free(counts);
	free(args);
	return 0;
}
