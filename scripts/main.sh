#!/usr/bin/env bash
# The main job: set up (pwsh and Pester included), build the BPF fixtures and the module, show PSBpf's view of the
# libbpf-bootstrap objects, then run libbpf-bootstrap's "bootstrap" in pwsh (examples/bootstrap.ps1) for a few
# seconds while some processes start and exit.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
make -s -C tests/fixtures OUT="$PWD/tests/fixtures/build"
dotnet run --project examples/ObjectInfo -c Release -- tests/fixtures/build/bootstrap.bpf.o tests/fixtures/build/minimal.bpf.o
pwsh -NoProfile -NonInteractive -File ./build.ps1 -Configuration Release -SkipTests >/dev/null
( sleep 4; for i in 1 2 3; do ls / >/dev/null; sleep 0.3 & wait; done ) &
pwsh -NoProfile -NonInteractive -File examples/bootstrap.ps1 -Seconds 7 "$@"
wait
