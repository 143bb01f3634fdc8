# The yardstick of bench/run-runbook.sh: a module with nothing in it, for what Import-Module itself costs in pwsh.
@{ ModuleVersion = '1.0.0'; GUID = 'a3b1f0de-6c1e-4a52-9d7e-3f9a1b2c4d5e' }
