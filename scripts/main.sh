#!/usr/bin/env bash
# The main job on a machine without pwsh: set up, build the BPF fixtures, show PSBpf's view of the libbpf-bootstrap
# objects, then run libbpf-bootstrap's "bootstrap" with PSBpf for a few seconds while some processes start and exit.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
make -s -C tests/fixtures OUT="$PWD/tests/fixtures/build"
dotnet run --project examples/ObjectInfo -c Release -- tests/fixtures/build/bootstrap.bpf.o tests/fixtures/build/minimal.bpf.o
dotnet build examples/Bootstrap -c Release -v quiet -nologo >/dev/null
( sleep 3; for i in 1 2 3; do ls / >/dev/null; sleep 0.3 & wait; done ) &
dotnet run --project examples/Bootstrap -c Release --no-build -- tests/fixtures/build/bootstrap.bpf.o -t 6 "$@"
wait
