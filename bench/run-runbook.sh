#!/usr/bin/env bash
# Cold start of the pwsh runbook (issue #13), whole processes: a fresh `pwsh -NoProfile -File bench/runbook.ps1` per
# sample, alternating with a fresh pwsh running an empty script, for each stage (import; import + Import-BpfObject;
# the full runbook: import, open, load, attach, remove), and Import-Module of an empty module as the yardstick of what
# pwsh's own module import costs. Prints the medians, PSBpf's share (stage minus empty script,
# pair by pair) and the peak memory (max RSS, /usr/bin/time) over the empty script's. Root (it loads programs).
#   bench/run-runbook.sh [samples] [module manifest] [object]   default: 21 samples, out/PSBpf/<version>, bootstrap fixture
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(dirname "$here")"
n="${1:-21}"
manifest="${2:-$(ls -d "$repo"/out/PSBpf/*/ | tail -1)PSBpf.psd1}"
obj="${3:-$repo/tests/fixtures/build/bootstrap.bpf.o}"
[ -f "$manifest" ] || { echo "no module at $manifest: run ./build.ps1 -SkipTests first" >&2; exit 1; }
[ -f "$obj" ] || make -s -C "$repo/tests/fixtures" OUT="$repo/tests/fixtures/build"
pwsh_cmd=(pwsh -NoProfile -NonInteractive -File)
echo "pwsh $(pwsh -NoProfile -Command '$PSVersionTable.PSVersion.ToString()'), CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), nproc $(nproc), kernel $(uname -r)"

# one sample: wall milliseconds and max RSS in KiB of a whole pwsh process
sample() {
  local t0 t1 rss tf
  tf=$(mktemp)
  t0=$(date +%s%N)
  /usr/bin/time -o "$tf" -f '%M' "${pwsh_cmd[@]}" "$@" >/dev/null 2>&1 || { echo "failed: pwsh $*" >&2; exit 1; }
  t1=$(date +%s%N)
  rss=$(tail -1 "$tf"); rm -f "$tf"
  echo "$(( (t1 - t0) / 1000000 )) $rss"
}
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

# the same runbook in C with libbpf (bench/runbook.c), whole processes too: the kernel's part of it (the verifier,
# and detaching tracepoints, which waits for RCU grace periods) is in both
mkdir -p "$here/build"
gcc -O2 -Wall -Wextra -Werror -o "$here/build/runbook" "$here/runbook.c" -lbpf -lelf -lz
cw=(); cl=(); ca=(); cd=()
for _ in $(seq "$n"); do
  t0=$(date +%s%N); read -r l a d < <("$here/build/runbook" "$obj"); t1=$(date +%s%N)
  cw+=("$(( (t1 - t0) / 1000000 ))"); cl+=("$l"); ca+=("$a"); cd+=("$d")
done

sample "$here/empty.ps1" >/dev/null # warm the page cache
echo "| stage | empty script (median) | with PSBpf (median) | PSBpf's share (median of pairs) | peak memory over the empty script |"
echo "|---|---|---|---|---|"
for stage in empty-module import open full; do
  e=(); s=(); d=(); m=()
  for _ in $(seq "$n"); do
    read -r ew er < <(sample "$here/empty.ps1")
    if [ "$stage" = empty-module ]; then
      read -r sw sr < <(sample "$here/runbook.ps1" "$here/empty-module/EmptyModule.psd1" "$obj" import)
    else
      read -r sw sr < <(sample "$here/runbook.ps1" "$manifest" "$obj" "$stage")
    fi
    e+=("$ew"); s+=("$sw"); d+=("$((sw - ew))"); m+=("$(( (sr - er) / 1024 ))")
  done
  case $stage in empty-module) label='Import-Module of an empty module (what pwsh itself costs)';; import) label='Import-Module PSBpf';; open) label='+ Import-BpfObject';; full) label='full runbook (import, open, load, attach, remove)';; esac
  echo "| $label | $(median "${e[@]}") ms | $(median "${s[@]}") ms | $(median "${d[@]}") ms | $(median "${m[@]}") MiB |"
done
echo
echo "libbpf, the same runbook in C (bench/runbook.c, medians of $n fresh processes): whole process $(median "${cw[@]}") ms;" \
  "open + load $(median "${cl[@]}") ms, attach $(median "${ca[@]}") ms, detach and close $(median "${cd[@]}") ms"
