# The baseline of bench/run-runbook.sh: a pwsh that runs an empty script.

