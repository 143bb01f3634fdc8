#!/usr/bin/env bash
# Open+load benchmark, PSBpf vs libbpf, side by side in one run (root: it loads programs).
#   bench/run-load.sh [object] [rounds] [iterations] [--open]   default: the bootstrap fixture, 5 rounds of 40 loads
#   --open: the open phase alone (BpfObject.Open against bpf_object__open_file)
#   --breakdown: where BpfObject.Open's time goes
#   --cold: the first open + load in fresh processes, [rounds] of each (default 7), alternating libbpf, PSBpf published
#           ReadyToRun (what the module gets in pwsh) and PSBpf compiled NativeAOT (a .NET program embedding the engine)
#   --cold --stages (as: bench/run-load.sh "" 9 --cold --stages): the first open of a fresh process, part by part
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
dll="$out/artifacts/bin/PSBpf.LoadBench/release/PSBpf.LoadBench.dll"
if [ "${4:-}" = "--cold" ] || [ "${3:-}" = "--cold" ] || [ "${2:-}" = "--cold" ]; then
  # one load per fresh process, timed inside it from before open to after load; alternating C, .NET, C, .NET...
  n="${2:-7}"; [ "$n" = "--cold" ] && n=7
  # ReadyToRun, as build.ps1 assembles the module: the engine's native code is precompiled, not JIT-compiled
  rid="linux-$(dpkg --print-architecture 2>/dev/null | sed 's/amd64/x64/' || echo x64)"
  dotnet publish "$here/PSBpf.LoadBench/PSBpf.LoadBench.csproj" -c Release -r "$rid" --self-contained false \
    -p:PublishReadyToRun=true -o "$out/cold" --artifacts-path "$out/artifacts-cold" -nologo -v quiet \
    >"$out/loadbench-publish.log" 2>&1 || { cat "$out/loadbench-publish.log"; exit 1; }
  dll="$out/cold/PSBpf.LoadBench.dll"
  if [ "${5:-}" = "--stages" ] || [ "${4:-}" = "--stages" ] || [ "${3:-}" = "--stages" ]; then
    # the first open of a fresh process, part by part, [rounds] fresh processes; medians of each part
    for _ in $(seq "$n"); do dotnet "$dll" "$obj" --cold-stages; done | python3 -c '
import statistics, sys
rows = [list(map(float, line.split())) for line in sys.stdin if line.strip()]
names = ["first file read of the process", "ELFSharp first load (bytes in memory)", "ELF container from the path (ElfFile.Open + symbols)",
         "BTF validated + BTF.ext", "the rest of the open (section table, maps, programs, relocations)"]
for i, name in enumerate(names):
    print(f"| {name} | {statistics.median(r[i] for r in rows):.2f} ms |")
'
    exit 0
  fi
  # the same harness compiled ahead of time (NativeAOT): a .NET program that embeds the engine and starts without a JIT
  dotnet publish "$here/PSBpf.LoadBench/PSBpf.LoadBench.csproj" -c Release -r "$rid" -p:PublishAot=true \
    -o "$out/aot" --artifacts-path "$out/artifacts-aot" -nologo -v quiet \
    >"$out/loadbench-aot.log" 2>&1 || { cat "$out/loadbench-aot.log"; exit 1; }
  c=(); d=(); a=()
  for _ in $(seq "$n"); do
    c+=("$("$out/load_bench" "$obj" 0 1 | cut -d' ' -f1)")
    d+=("$(dotnet "$dll" "$obj" --cold-once | cut -d' ' -f1)")
    a+=("$("$out/aot/PSBpf.LoadBench" "$obj" --cold-once | cut -d' ' -f1)")
  done
  median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
  cm=$(median "${c[@]}"); dm=$(median "${d[@]}"); am=$(median "${a[@]}")
  echo "| first open + load in a fresh process ($n each, alternating) | libbpf | PSBpf ReadyToRun (as in pwsh) | ratio | PSBpf NativeAOT | ratio |"
  echo "|---|---:|---:|---:|---:|---:|"
  awk -v c="$cm" -v d="$dm" -v a="$am" 'BEGIN { printf "| bootstrap.bpf.o, medians | %.1f ms | %.1f ms | %.2f | %.1f ms | %.2f |\n", c/1e6, d/1e6, d/c, a/1e6, a/c }'
  exit 0
fi
exec dotnet "$dll" "$out/load_bench" "$obj" "${2:-5}" "${3:-40}" ${4:+"$4"}
