<#
    Shared setup for the Pester suites: dot-source it in BeforeAll. Imports the built module (out/PSBpf/<version>/, or
    $env:PSBPF_MODULE) and sets $repoRoot, $fixtures (tests/fixtures/build) and $isRoot.
#>
$repoRoot = Split-Path -Parent $PSScriptRoot
$modulePath = $env:PSBPF_MODULE
if (-not $modulePath) {
    $modulePath = Get-ChildItem -LiteralPath (Join-Path $repoRoot 'out/PSBpf') -Filter 'PSBpf.psd1' -Recurse -ErrorAction SilentlyContinue |
        Sort-Object { [version]$_.Directory.Name } -Descending |
        Select-Object -First 1 -ExpandProperty FullName
}
if (-not $modulePath) {
    throw "PSBpf is not built: run ./build.ps1 (or set `$env:PSBPF_MODULE to a PSBpf.psd1)."
}
Import-Module -Name $modulePath -Force -ErrorAction Stop
$fixtures = Join-Path $repoRoot 'tests/fixtures/build'
# bootstrap.bpf.o's shared header: struct event is only there, not in the object's BTF (as in libbpf-bootstrap)
$bootstrapHeader = Join-Path $repoRoot 'tests/fixtures/bootstrap.h'
$isRoot = (id -u) -eq 0

# The kernel frees a released link (and the program and maps it held) from a work queue, a moment after the last fd
# closes: checks that something is gone poll for it, as the xunit tests do.
function Wait-Until([scriptblock] $Condition, [int] $Seconds = 10) {
    $deadline = (Get-Date).AddSeconds($Seconds)
    while (-not (& $Condition) -and (Get-Date) -lt $deadline) { Start-Sleep -Milliseconds 50 }
    [bool](& $Condition)
}

# The cgroup v2 hierarchy: /sys/fs/cgroup on unified hosts, /sys/fs/cgroup/unified on hybrid ones (there
# /sys/fs/cgroup itself is a tmpfs, and a directory made on it is no cgroup).
$cgroup2Root = Get-Content /proc/self/mountinfo | ForEach-Object {
    $parts = $_ -split ' '
    $dash = [array]::IndexOf($parts, '-')
    if ($dash -gt 0 -and $parts[$dash + 1] -eq 'cgroup2') { $parts[4] }
} | Select-Object -First 1
