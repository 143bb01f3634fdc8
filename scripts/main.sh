#!/usr/bin/env bash
# The main job on a machine without pwsh: set up, build the BPF fixtures, and show PSBpf's view of the
# libbpf-bootstrap-style object (programs, maps, globals) with the C# example program.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
make -s -C tests/fixtures OUT="$PWD/tests/fixtures/build"
dotnet run --project examples/ObjectInfo -c Release -- tests/fixtures/build/bootstrap.bpf.o tests/fixtures/build/minimal.bpf.o "$@"
