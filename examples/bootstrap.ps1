#Requires -Version 7.6
<#
.SYNOPSIS
    libbpf-bootstrap's "bootstrap" with PSBpf: process exec and exit events from a ring buffer, one line each.

.DESCRIPTION
    Opens bootstrap.bpf.o, sets the .rodata global min_duration_ns before load (the C original's -d sets
    skel->rodata->min_duration_ns), loads it, auto-attaches handle_exec (tp/sched/sched_process_exec) and handle_exit
    (tp/sched/sched_process_exit) and prints the records of the "rb" ring buffer, decoded as struct event, in the columns of
    the C original and of examples/Bootstrap. struct event comes from the shared header bootstrap.h (-Header): as in
    libbpf-bootstrap, the BPF program only uses it through local pointers, so the object's BTF does not have it.

        TIME     EVENT COMM             PID     PPID    FILENAME/EXIT CODE

    With -MinDuration only exits of processes that lived at least that long are reported (the BPF program then skips exec
    events, as in the original). -Verbose shows what the load does (the C original's -v shows libbpf's debug output).
    Runs until Ctrl+C or for -Seconds seconds; the programs are detached and unloaded in any case.
    Needs root (CAP_BPF and CAP_PERFMON).

.PARAMETER Path
    The bootstrap BPF object; by default tests/fixtures/build/bootstrap.bpf.o (make -C tests/fixtures builds it).

.PARAMETER Header
    The header that declares struct event, shared by the BPF program and user space; by default tests/fixtures/bootstrap.h.

.PARAMETER MinDuration
    Minimum process duration in milliseconds to report (the C original's -d); 0 reports every exec and exit.

.PARAMETER Seconds
    Seconds to run; 0 (the default) runs until Ctrl+C.

.EXAMPLE
    sudo pwsh examples/bootstrap.ps1 -Seconds 10

.EXAMPLE
    sudo pwsh examples/bootstrap.ps1 -MinDuration 100 -Verbose
#>
[CmdletBinding()]
param(
    [string] $Path = (Join-Path $PSScriptRoot '../tests/fixtures/build/bootstrap.bpf.o'),
    [string] $Header = (Join-Path $PSScriptRoot '../tests/fixtures/bootstrap.h'),
    [Alias('d')]
    [ValidateRange(0, [long]::MaxValue)]
    [long] $MinDuration = 0,
    [ValidateRange(0, [int]::MaxValue)]
    [int] $Seconds = 0
)

Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'

if (-not (Get-Command Import-BpfObject -ErrorAction Ignore)) {
    # Not installed: use the module build.ps1 assembled in out/PSBpf/<version>/.
    $manifest = Get-ChildItem -LiteralPath (Join-Path $PSScriptRoot '../out/PSBpf') -Filter PSBpf.psd1 -Recurse -ErrorAction Ignore |
        Sort-Object { [version]$_.Directory.Name } -Descending | Select-Object -First 1
    if (-not $manifest) { throw 'PSBpf is not installed or built: run ./build.ps1 first.' }
    Import-Module $manifest.FullName
}

# One line per event, as the C original prints them.
$format = {
    $e = $_
    $time = (Get-Date).ToString('HH:mm:ss')
    if ($e.exit_event) {
        $ms = [math]::Floor($e.duration_ns / 1000000)
        $detail = "[$($e.exit_code)]" + $(if ($ms -gt 0) { " ($($ms)ms)" } else { '' })
        '{0,-8} {1,-5} {2,-16} {3,-7} {4,-7} {5}' -f $time, 'EXIT', $e.comm, $e.pid, $e.ppid, $detail
    }
    else {
        '{0,-8} {1,-5} {2,-16} {3,-7} {4,-7} {5}' -f $time, 'EXEC', $e.comm, $e.pid, $e.ppid, $e.filename
    }
}

$o = Import-BpfObject -LiteralPath $Path
$links = @()
try {
    $o.Globals.min_duration_ns = [uint64]$MinDuration * 1000000   # .rodata: only settable before load
    $o = $o | Invoke-BpfLoad                                       # -Verbose shows the load's steps
    $links = @($o | Add-BpfAttachment)                             # handle_exec and handle_exit, from their SEC() names

    '{0,-8} {1,-5} {2,-16} {3,-7} {4,-7} {5}' -f 'TIME', 'EVENT', 'COMM', 'PID', 'PPID', 'FILENAME/EXIT CODE'
    if ($Seconds -eq 0) {
        Receive-BpfRingBuffer -Map $o.Maps.rb -Header $Header -Type event -Wait | ForEach-Object $format
    }
    else {
        Receive-BpfRingBuffer -Map $o.Maps.rb -Header $Header -Type event -Timeout $Seconds | ForEach-Object $format
    }
}
finally {
    # Ctrl+C stops Receive-BpfRingBuffer and runs this block: detach, then unload everything the object created.
    if ($links.Count -gt 0) { $links | Remove-BpfAttachment }
    $o.Dispose()
}
