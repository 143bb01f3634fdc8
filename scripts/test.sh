#!/usr/bin/env bash
# Runs every test: xunit engine and module tests on the real kernel (fixtures and the libbpf oracle are built by
# the test build), then the Pester suite when pwsh is installed. Exits non-zero if anything fails.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh

set +e
dotnet test PSBpf.sln -c Release --logger "console;verbosity=normal" 2>&1 | tee /tmp/psbpf-test.log
status=${PIPESTATUS[0]}
set -e
if grep -qE '^\s+Skipped ' /tmp/psbpf-test.log; then
    echo "test: skipped tests are listed above with their probed reasons"
fi
[ "$status" -eq 0 ] || exit "$status"

if command -v pwsh >/dev/null 2>&1; then
    pwsh -NoProfile -File ./build.ps1 -Configuration Release -SkipDotnetTests
else
    echo "test: pwsh is not installed on this machine, so the Pester suite in tests/*.Tests.ps1 was NOT run (the static module check ran under xunit)"
fi
