#!/usr/bin/env bash
# Map-dump and ring-buffer benchmark, PSBpf vs libbpf, side by side in one run (root: it loads a program and pins maps
# under /sys/fs/bpf/psbpf-bench-<pid>, removed at the end). Extra arguments go to the .NET harness:
#   bench/run-data.sh --rounds 8 --dump-iters 5 --loop-iters 1 --ring-iters 10 --records 1000000 --batch 4096
# Needs: clang (BPF target), gcc, libbpf-dev (>= 1.0), libelf-dev, zlib1g-dev, the .NET 10 SDK, a kernel with bpf_loop (5.17+).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out="$here/build"
mkdir -p "$out"
clang="$(command -v clang || command -v clang-14)"
"$clang" -g -O2 -target bpf -I"/usr/include/$(uname -m)-linux-gnu" -Wall -c "$here/data_bench.bpf.c" -o "$out/data_bench.bpf.o"
gcc -O2 -Wall -Wextra -Werror -o "$out/data_bench" "$here/data_bench.c" -lbpf -lelf -lz
dotnet build "$here/PSBpf.DataBench/PSBpf.DataBench.csproj" -c Release --artifacts-path "$out/artifacts" -nologo -v quiet \
  >"$out/databench-build.log" 2>&1 || { cat "$out/databench-build.log"; exit 1; }
echo "libbpf: $(dpkg-query -W -f='${Package} ${Version}' libbpf-dev 2>/dev/null || echo unknown); CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), nproc $(nproc), kernel $(uname -r)"
exec dotnet "$out/artifacts/bin/PSBpf.DataBench/release/PSBpf.DataBench.dll" "$out/data_bench" "$out/data_bench.bpf.o" "$@"
