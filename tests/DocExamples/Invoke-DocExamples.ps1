<#
    Runs the PowerShell examples of one Markdown page as a reader would type them: in order, in one session (a
    runspace of this pwsh with PSBpf imported), from -WorkingDirectory, each block's output formatted by Out-String as
    the console would show it. Writes one result per block to -ResultFile (JSON): whether it ran without a terminating
    error and without error records, and what went wrong.

    tests/PSBpf.DocExamples.Tests.ps1 starts it inside a network namespace of its own (ip netns exec), so the kernel
    state the examples touch is the test's: the namespace's interfaces, and the bpffs, tracefs and cgroup2 mounted
    here in its private mount namespace.
#>
param(
    [Parameter(Mandatory)] [string] $ModuleManifest,
    [Parameter(Mandatory)] [string] $Page,
    [Parameter(Mandatory)] [string] $WorkingDirectory,
    [Parameter(Mandatory)] [string] $ResultFile,
    [int] $TimeoutSeconds = 30
)

Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'
. (Join-Path $PSScriptRoot 'Get-DocExample.ps1')

# ip netns exec gives a private mount namespace with a fresh /sys: mount what PSBpf expects there.
function Mount-IfMissing([string] $Type, [string] $Where) {
    $mounted = Get-Content /proc/self/mounts | Where-Object { ($_ -split ' ')[1] -eq $Where }
    if (-not $mounted) { mount -t $Type $Type $Where; if ($LASTEXITCODE) { throw "mount -t $Type $Where failed" } }
}
Mount-IfMissing bpf /sys/fs/bpf
Mount-IfMissing tracefs /sys/kernel/tracing
Mount-IfMissing cgroup2 /sys/fs/cgroup
$slice = '/sys/fs/cgroup/system.slice'
$madeSlice = -not (Test-Path $slice)
if ($madeSlice) { New-Item -ItemType Directory -Path $slice | Out-Null }

# Processes that start and exit (each sh asks getppid(2)), for the examples that wait for exec, exit or getppid events.
$loop = [Diagnostics.ProcessStartInfo]::new('/bin/sh')
foreach ($a in '-c', 'while :; do /bin/sh -c true; sleep 0.2; done') { $loop.ArgumentList.Add($a) }
$activity = [Diagnostics.Process]::Start($loop)

$results = [Collections.Generic.List[object]]::new()
$runspace = [runspacefactory]::CreateRunspace()
$runspace.Open()
try {
    $setup = [powershell]::Create()
    $setup.Runspace = $runspace
    $null = $setup.AddScript('param($m, $d) Import-Module $m; Set-Location -LiteralPath $d').AddArgument($ModuleManifest).AddArgument($WorkingDirectory)
    $null = $setup.Invoke()
    $setup.Dispose()

    foreach ($example in @(Get-DocExample $Page)) {
        $ps = [powershell]::Create()
        $ps.Runspace = $runspace
        $null = $ps.AddScript($example.Code).AddCommand('Out-String').AddParameter('Width', 120)
        $errorText = $null
        $output = ''
        try {
            $async = $ps.BeginInvoke()
            if (-not $async.AsyncWaitHandle.WaitOne([timespan]::FromSeconds($TimeoutSeconds))) {
                $ps.Stop()
                $errorText = "did not finish in $TimeoutSeconds s"
            }
            else {
                $output = -join @($ps.EndInvoke($async))
                if ($ps.Streams.Error.Count -gt 0) {
                    $errorText = ($ps.Streams.Error | ForEach-Object { "$($_.FullyQualifiedErrorId): $($_.Exception.Message)" }) -join "`n"
                }
            }
        }
        catch {
            $errorText = "$($_.FullyQualifiedErrorId): $($_.Exception.Message)"
        }
        $results.Add([pscustomobject]@{ Index = $example.Index; Ok = $null -eq $errorText; Error = $errorText; Output = $output })
        $ps.Dispose()
    }
}
finally {
    # What the examples left loaded is released with the runspace and the module.
    $cleanup = [powershell]::Create()
    $cleanup.Runspace = $runspace
    $null = $cleanup.AddScript('Remove-Module PSBpf -ErrorAction SilentlyContinue').Invoke()
    $cleanup.Dispose()
    $runspace.Dispose()
    $activity.Kill()
    if ($madeSlice) { rmdir $slice }   # cgroupfs: the directory goes as a whole (Remove-Item would try its files)
    $results | ConvertTo-Json -Depth 3 | Set-Content -LiteralPath $ResultFile
}
