# The runbook of issue #13, timed as a whole process by bench/run-runbook.sh: a fresh pwsh that imports the module,
# opens and loads an object, attaches its programs and tears it down.
#   pwsh -NoProfile -File bench/runbook.ps1 <module manifest> <object> [import | open | full]
param(
    [Parameter(Mandatory)] [string] $Manifest,
    [Parameter(Mandatory)] [string] $Path,
    [ValidateSet('import', 'open', 'full')] [string] $Stage = 'full'
)
$ErrorActionPreference = 'Stop'
Import-Module $Manifest
if ($Stage -eq 'import') { return }
$o = Import-BpfObject $Path
if ($Stage -eq 'open') { return }
$o | Invoke-BpfLoad | Add-BpfAttachment | Out-Null
$o | Remove-BpfObject
