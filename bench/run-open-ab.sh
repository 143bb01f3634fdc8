#!/usr/bin/env bash
# The open phase of two checkouts of the engine, side by side with libbpf, over many processes (issue #12).
#   bench/run-open-ab.sh [processes] <checkout A> <checkout B>   default 10 processes of each, alternating A, B, A, B...
# A warm process's open time settles at one of a few levels per process (libbpf's C harness too), so one process pair
# says little: each process here runs 4 rounds of 200 opens against the C harness (run-load.sh --open), and the medians
# are over the processes. Prints each process's line, then per checkout: libbpf's and PSBpf's medians, the ratio of the
# medians, and the median of the per-process ratios.
set -euo pipefail
n="${1:-10}"; a="$(cd "$2" && pwd)"; b="$(cd "$3" && pwd)"
for d in "$a" "$b"; do (cd "$d" && bench/run-load.sh "" 1 1 --open >/dev/null); done # builds each checkout's harness
out=$(mktemp)
for _ in $(seq "$n"); do
  for d in "$a" "$b"; do
    line=$(cd "$d" && dotnet bench/build/artifacts/bin/PSBpf.LoadBench/release/PSBpf.LoadBench.dll bench/build/load_bench \
      tests/fixtures/build/bootstrap.bpf.o 4 200 --open | tail -1)
    echo "$d $line" | tee -a "$out"
  done
done
python3 - "$out" <<'PY'
import collections, statistics as st, sys
runs = collections.defaultdict(list)
for line in open(sys.argv[1]):
    cells = line.split("|")
    runs[line.split()[0]].append((float(cells[2].split()[0]), float(cells[3].split()[0])))
for checkout, v in runs.items():
    c, p = st.median(x for x, _ in v), st.median(y for _, y in v)
    print(f"{checkout}: libbpf {c:.4f} ms, PSBpf {p:.4f} ms, ratio of medians {p / c:.2f}, "
          f"median of per-process ratios {st.median(y / x for x, y in v):.2f}, PSBpf per process {sorted(y for _, y in v)}")
PY
rm -f "$out"
