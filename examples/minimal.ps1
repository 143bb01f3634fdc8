#Requires -Version 7.6
<#
.SYNOPSIS
    libbpf-bootstrap's "minimal" with PSBpf: a tracepoint program that bpf_printk()s a line for every write(2) of this
    PowerShell process.

.DESCRIPTION
    Opens minimal.bpf.o, sets the .bss global my_pid to $PID before load (the C original sets skel->bss->my_pid), loads it,
    attaches handle_tp to its SEC("tp/syscalls/sys_enter_write") tracepoint and then writes a dot to stderr once a second,
    so that the program prints "write() from PID <pid>." into the kernel's trace buffer once a second. Watch it with
    `sudo cat /sys/kernel/tracing/trace_pipe`. Runs until Ctrl+C or for -Duration seconds; the program is detached and
    unloaded in any case. Needs root (CAP_BPF and CAP_PERFMON).

.PARAMETER Path
    The minimal BPF object; by default tests/fixtures/build/minimal.bpf.o (make -C tests/fixtures builds it).

.PARAMETER Duration
    Seconds to run; 0 (the default) runs until Ctrl+C.

.EXAMPLE
    sudo pwsh examples/minimal.ps1 -Duration 5
#>
[CmdletBinding()]
param(
    [string] $Path = (Join-Path $PSScriptRoot '../tests/fixtures/build/minimal.bpf.o'),
    [ValidateRange(0, [int]::MaxValue)]
    [int] $Duration = 0
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

$o = Import-BpfObject -LiteralPath $Path
$links = @()
try {
    $o.Globals.my_pid = $PID                        # .bss, before load: only write() calls of this process
    $o = $o | Invoke-BpfLoad
    $links = @($o | Add-BpfAttachment)              # auto-attach from SEC("tp/syscalls/sys_enter_write")

    $tracing = if (Test-Path /sys/kernel/debug/tracing) { '/sys/kernel/debug/tracing' } else { '/sys/kernel/tracing' }
    "Successfully started! Please run ``sudo cat $tracing/trace_pipe`` to see output of the BPF programs."

    $clock = [Diagnostics.Stopwatch]::StartNew()
    do {
        [Console]::Error.Write('.')                 # a write(2) of this process: triggers the BPF program
        Start-Sleep -Seconds 1
    } while ($Duration -eq 0 -or $clock.Elapsed.TotalSeconds -lt $Duration)
    [Console]::Error.WriteLine()
}
finally {
    # Ctrl+C ends Start-Sleep and runs this block: detach, then unload everything the object created.
    if ($links.Count -gt 0) { $links | Remove-BpfAttachment }
    $o.Dispose()
}
