#!/usr/bin/env bash
# Kernel BTF benchmark, PSBpf vs libbpf, side by side: builds the C harness (gcc, -lbpf) and the
# .NET harness (Release), then runs the .NET harness, which alternates C and .NET rounds and
# prints a markdown table (medians, ratio PSBpf/libbpf). Extra arguments go to the .NET harness:
#   bench/run.sh --rounds 10 --iters 300
# Needs: gcc, libbpf-dev (>= 1.0; headers in /usr/include/bpf), libelf-dev, zlib1g-dev, the
# .NET 10 SDK, and a kernel with /sys/kernel/btf/vmlinux (readable by any user).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out="$here/build"
mkdir -p "$out"

gcc -O2 -Wall -Wextra -Werror -o "$out/btf_parse_bench" "$here/btf_parse_bench.c" -lbpf -lelf -lz
# --artifacts-path keeps this build's bin/ and obj/ (the engine's too) under bench/build/, apart
# from other builds of src/ that may run at the same time and would otherwise share obj/Release.
dotnet build "$here/PSBpf.Bench/PSBpf.Bench.csproj" -c Release --artifacts-path "$out/artifacts" -nologo -v quiet \
  >"$out/dotnet-build.log" 2>&1 || { cat "$out/dotnet-build.log"; exit 1; }

if command -v dpkg-query >/dev/null 2>&1; then
  echo "libbpf package: $(dpkg-query -W -f='${Package} ${Version}' libbpf-dev 2>/dev/null || echo unknown)"
fi
echo "CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), nproc $(nproc), kernel $(uname -r)"
exec dotnet "$out/artifacts/bin/PSBpf.Bench/release/PSBpf.Bench.dll" --c-harness "$out/btf_parse_bench" "$@"
