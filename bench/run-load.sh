#!/usr/bin/env bash
# Open+load benchmark, PSBpf vs libbpf, side by side in one run (root: it loads programs).
#   bench/run-load.sh [object] [rounds] [iterations] [--open]   default: the bootstrap fixture, 5 rounds of 40 loads
#   --open: the open phase alone (BpfObject.Open against bpf_object__open_file)
#   --breakdown: where BpfObject.Open's time goes
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(dirname "$here")"
out="$here/build"
mkdir -p "$out"
make -s -C "$repo/tests/fixtures" OUT="$repo/tests/fixtures/build"
obj="${1:-$repo/tests/fixtures/build/bootstrap.bpf.o}"
gcc -O2 -Wall -Wextra -Werror -o "$out/load_bench" "$here/load_bench.c" -lbpf -lelf -lz
dotnet build "$here/PSBpf.LoadBench/PSBpf.LoadBench.csproj" -c Release --artifacts-path "$out/artifacts" -nologo -v quiet \
  >"$out/loadbench-build.log" 2>&1 || { cat "$out/loadbench-build.log"; exit 1; }
echo "libbpf: $(dpkg-query -W -f='${Package} ${Version}' libbpf-dev 2>/dev/null || echo unknown); CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), nproc $(nproc), kernel $(uname -r)"
exec dotnet "$out/artifacts/bin/PSBpf.LoadBench/release/PSBpf.LoadBench.dll" "$out/load_bench" "$obj" "${2:-5}" "${3:-40}" ${4:+"$4"}
