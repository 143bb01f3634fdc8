#!/usr/bin/env bash
# Runs every test: the xunit engine and module tests on the real kernel (the test build makes the BPF fixtures and the
# libbpf oracle), then the Pester suite (tests/*.Tests.ps1) in pwsh against the assembled module. Both always run;
# the exit code is non-zero if either has a failure, or if pwsh or Pester cannot be set up.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh

set +e
dotnet test PSBpf.sln -c Release --logger "console;verbosity=normal" 2>&1 | tee /tmp/psbpf-xunit.log
xunit_status=${PIPESTATUS[0]}
pwsh -NoProfile -NonInteractive -File ./build.ps1 -Configuration Release -SkipDotnetTests 2>&1 | tee /tmp/psbpf-pester.log
pester_status=${PIPESTATUS[0]}
set -e

echo
echo "test: summary"
grep -E '^\s*(Total tests|Passed|Failed|Skipped): [0-9]+$' /tmp/psbpf-xunit.log | sed 's/^ */  xunit:  /' || echo "  xunit:  no summary (exit code $xunit_status)"
sed 's/\x1b\[[0-9;]*m//g' /tmp/psbpf-pester.log | grep -E '^Tests Passed: ' | sed 's/^/  Pester: /' \
    || echo "  Pester: no summary (exit code $pester_status)"
if grep -qE '^\s+Skipped ' /tmp/psbpf-xunit.log; then
    echo "  skipped xunit tests are listed above with their probed reasons"
fi
[ "$xunit_status" -eq 0 ] && [ "$pester_status" -eq 0 ]
