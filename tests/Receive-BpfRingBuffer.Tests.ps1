#Requires -Version 7.6
#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0.0' }
<#
    Pester 5 suite for Receive-BpfRingBuffer. Loading and attaching need root; those tests are tagged Root and skip with
    that reason otherwise. Uses the bootstrap (ring buffer) and perfbuf (perf event array) fixtures from tests/fixtures/build.
#>

BeforeAll {
    . (Join-Path $PSScriptRoot 'PSBpf.TestSetup.ps1')
    if (-not ('PSBpfPerfTrigger' -as [type])) {
        # A timer thread that calls getppid(2) (the perfbuf fixture's tracepoint) without needing a runspace.
        Add-Type -TypeDefinition @'
using System.Runtime.InteropServices;
using System.Threading;
public static class PSBpfPerfTrigger
{
    [DllImport("libc")] private static extern int getppid();
    public static Timer Start() { return new Timer(_ => getppid(), null, 0, 50); }
}
'@
    }
}

Describe 'Receive-BpfRingBuffer' {
    It 'is exported with help' {
        Get-Command Receive-BpfRingBuffer -Module PSBpf | Should -Not -BeNullOrEmpty
        (Get-Help Receive-BpfRingBuffer -Full).Synopsis | Should -Match 'ring buffer'
    }

    It 'does not allow -Wait together with -Timeout' {
        $o = Import-BpfObject (Join-Path $fixtures 'bootstrap.bpf.o')
        { Receive-BpfRingBuffer -Map $o.Maps.rb -Wait -Timeout 1 -ErrorAction Stop } | Should -Throw
    }

    It 'reports a map that is not loaded as BpfObjectNotLoaded' {
        $o = Import-BpfObject (Join-Path $fixtures 'bootstrap.bpf.o')
        { Receive-BpfRingBuffer -Map $o.Maps.rb -ErrorAction Stop } | Should -Throw -ErrorId 'BpfObjectNotLoaded,PSBpf.Commands.ReceiveBpfRingBufferCommand'
    }

    It 'reports a map that carries no records as BpfMapWrongType' {
        $o = Import-BpfObject (Join-Path $fixtures 'bootstrap.bpf.o')
        { $o.Maps.exec_start | Receive-BpfRingBuffer -ErrorAction Stop } | Should -Throw -ErrorId 'BpfMapWrongType,PSBpf.Commands.ReceiveBpfRingBufferCommand'
    }

    Context 'types from C headers: errors, before any map is read' {
        BeforeAll { $script:unloaded = Import-BpfObject (Join-Path $fixtures 'bootstrap.bpf.o') }

        It 'reports a missing -Header as BpfObjectNotFound' {
            { Receive-BpfRingBuffer -Map $unloaded.Maps.rb -Header (Join-Path $TestDrive 'missing.h') -Type event -ErrorAction Stop } |
                Should -Throw -ErrorId 'BpfObjectNotFound,PSBpf.Commands.ReceiveBpfRingBufferCommand'
        }

        It 'reports what the header parser does not understand as BpfHeaderInvalid, with file:line:column' {
            $bad = Join-Path $TestDrive 'bad.h'
            Set-Content -LiteralPath $bad -Value "struct event {`n`tint pid;`n`tmystery_t x;`n};"
            $e = { Receive-BpfRingBuffer -Map $unloaded.Maps.rb -Header $bad -Type event -ErrorAction Stop } |
                Should -Throw -ErrorId 'BpfHeaderInvalid,PSBpf.Commands.ReceiveBpfRingBufferCommand' -PassThru
            $e.CategoryInfo.Category | Should -Be 'InvalidData'
            $e.Exception.Message | Should -BeLike "*bad.h:3:2: unknown type name 'mystery_t'*"
            $e.Exception.Line | Should -Be 3
        }

        It 'reports a -Type the header does not declare as BpfTypeNotFound, naming the ones it does' {
            $e = { Receive-BpfRingBuffer -Map $unloaded.Maps.rb -Header $bootstrapHeader -Type evnt -ErrorAction Stop } |
                Should -Throw -ErrorId 'BpfTypeNotFound,PSBpf.Commands.ReceiveBpfRingBufferCommand' -PassThru
            $e.ErrorDetails.RecommendedAction | Should -Be 'It declares: event.'
        }

        It 'needs -Type when -TypeDefinition declares more than one struct' {
            { Receive-BpfRingBuffer -Map $unloaded.Maps.rb -TypeDefinition 'struct a { int x; }; struct b { int y; };' -ErrorAction Stop } |
                Should -Throw -ErrorId 'BpfTypeNotFound,PSBpf.Commands.ReceiveBpfRingBufferCommand'
        }
    }

    Context 'as root' -Tag Root {
        BeforeEach {
            if (-not $isRoot) { Set-ItResult -Skipped -Because 'loading and attaching BPF programs needs root (CAP_BPF, CAP_PERFMON)' }
        }

        It 'reports an unknown -Type as BpfTypeNotFound' {
            $o = Import-BpfObject (Join-Path $fixtures 'bootstrap.bpf.o') | Invoke-BpfLoad
            try {
                { Receive-BpfRingBuffer -Map $o.Maps.rb -Type no_such_struct -ErrorAction Stop } | Should -Throw -ErrorId 'BpfTypeNotFound,PSBpf.Commands.ReceiveBpfRingBufferCommand'
            }
            finally { $o.Dispose() }
        }

        It 'returns after -Timeout when nothing arrives' {
            $o = Import-BpfObject (Join-Path $fixtures 'bootstrap.bpf.o') | Invoke-BpfLoad
            try {
                $sw = [Diagnostics.Stopwatch]::StartNew()
                $r = Receive-BpfRingBuffer -Map $o.Maps.rb -Timeout 0.3
                $sw.Elapsed.TotalSeconds | Should -BeLessThan 5
                $sw.Elapsed.TotalSeconds | Should -BeGreaterThan 0.2
                $r | Should -BeNullOrEmpty
            }
            finally { $o.Dispose() }
        }

        It 'streams exec and exit events of a child process decoded as struct event' {
            $o = Import-BpfObject (Join-Path $fixtures 'bootstrap.bpf.o') | Invoke-BpfLoad
            $links = @($o.Programs.handle_exec.Attach(), $o.Programs.handle_exit.Attach())
            try {
                $child = Start-Process -FilePath /bin/true -PassThru -Wait
                $events = @(Receive-BpfRingBuffer -Map $o.Maps.rb -Header $bootstrapHeader -Type event -Timeout 2 | Where-Object pid -EQ $child.Id)
                $exec = $events | Where-Object { -not $_.exit_event }
                $exec.comm | Should -Be 'true'
                $exec.filename | Should -Be '/bin/true'
                ($events | Where-Object exit_event).exit_code | Should -Be 0
            }
            finally {
                $links | ForEach-Object Dispose
                $o.Dispose()
            }
        }

        It 'decodes the records of an object without BTF for them (libbpf-bootstrap''s bootstrap) by name from its header' {
            $path = Join-Path $fixtures 'bootstrap.bpf.o'
            # as in libbpf-bootstrap, struct event is only the type of local pointers: bpftool finds no such struct in the object
            $types = (bpftool -j btf dump file $path format raw | ConvertFrom-Json).types
            $types | Where-Object { $_.kind -eq 'STRUCT' -and $_.name -eq 'event' } | Should -BeNullOrEmpty
            $types | Where-Object { $_.kind -eq 'STRUCT' -and $_.name -eq 'task_struct' } | Should -Not -BeNullOrEmpty -Because 'bpftool reads the BTF that is there'
            $o = Import-BpfObject $path | Invoke-BpfLoad
            $link = $o.Programs.handle_exec.Attach()
            try {
                { Receive-BpfRingBuffer -Map $o.Maps.rb -Type event -Timeout 0.1 -ErrorAction Stop } |
                    Should -Throw -ErrorId 'BpfTypeNotFound,PSBpf.Commands.ReceiveBpfRingBufferCommand'
                $child = Start-Process -FilePath /bin/true -PassThru -Wait
                $exec = @(Receive-BpfRingBuffer -Map $o.Maps.rb -Header $bootstrapHeader -Type event -Timeout 2 | Where-Object pid -EQ $child.Id)
                $exec.Count | Should -Be 1
                $exec[0].comm | Should -Be 'true'
                $exec[0].filename | Should -Be '/bin/true'
                $exec[0].ppid | Should -Be $PID -Because 'this process started it'
                $exec[0].exit_event | Should -BeFalse
                # the same record through a declaration string, and without -Type: the one struct it declares
                $child = Start-Process -FilePath /bin/true -PassThru -Wait
                $short = @(Receive-BpfRingBuffer -Map $o.Maps.rb -TypeDefinition 'struct event { int pid; int ppid; unsigned exit_code; unsigned long long duration_ns; char comm[16]; };' -Timeout 2 |
                    Where-Object pid -EQ $child.Id)
                $short.Count | Should -Be 1
                $short[0].comm | Should -Be 'true'
                $short[0].ppid | Should -Be $PID
                @($short[0].PSObject.Properties.Name) | Should -Be @('pid', 'ppid', 'exit_code', 'duration_ns', 'comm')
            }
            finally {
                $link.Dispose()
                $o.Dispose()
            }
        }

        It 'reads a ring buffer found with Get-BpfMap, its records typed from the header' {
            $o = Import-BpfObject (Join-Path $fixtures 'bootstrap.bpf.o') | Invoke-BpfLoad
            $links = @($o.Programs.handle_exec.Attach())
            try {
                $child = Start-Process -FilePath /bin/true -PassThru -Wait
                $events = @(Get-BpfMap -Id $o.Maps.rb.Id | Receive-BpfRingBuffer -Header $bootstrapHeader -Type event -Timeout 2 | Where-Object pid -EQ $child.Id)
                $events.filename | Should -Be '/bin/true'
            }
            finally {
                $links | ForEach-Object Dispose
                $o.Dispose()
            }
        }

        It 'takes the map from the pipeline and stops at -Count and at Select-Object -First' {
            $o = Import-BpfObject (Join-Path $fixtures 'bootstrap.bpf.o') | Invoke-BpfLoad
            $link = $o.Programs.handle_exec.Attach()
            try {
                1..3 | ForEach-Object { Start-Process -FilePath /bin/true -Wait }
                $raw = @($o.Maps.rb | Receive-BpfRingBuffer -Count 2 -Timeout 2)
                $raw.Count | Should -Be 2
                $raw[0] -is [byte[]] | Should -BeTrue   # one byte[] per record
                1..3 | ForEach-Object { Start-Process -FilePath /bin/true -Wait }
                $sw = [Diagnostics.Stopwatch]::StartNew()
                $first = $o.Maps.rb | Receive-BpfRingBuffer -Header $bootstrapHeader -Type event -Wait | Select-Object -First 1
                $sw.Elapsed.TotalSeconds | Should -BeLessThan 10   # -Wait has no time limit: Select-Object -First ended it
                $first.comm | Should -Not -BeNullOrEmpty
            }
            finally {
                $link.Dispose()
                $o.Dispose()
            }
        }

        It 'reads perf event arrays too' {
            $o = Import-BpfObject (Join-Path $fixtures 'perfbuf.bpf.o')
            $o.Globals.target_pid = $PID
            $o = $o | Invoke-BpfLoad
            $link = $o.Programs.handle_getppid.Attach()
            try {
                # The reader puts its perf events into the map when it starts, so getppid(2) runs from a timer while it waits.
                $timer = [PSBpfPerfTrigger]::Start()
                try { $records = @(Receive-BpfRingBuffer -Map $o.Maps.events -Header (Join-Path $repoRoot 'tests/fixtures/perfbuf.h') -Type perf_event_rec -Count 1 -Timeout 5) }
                finally { $timer.Dispose() }
                $records.Count | Should -Be 1
                $records[0].tag | Should -Be 'abc'
                $records[0].pid | Should -Be $PID
            }
            finally {
                $link.Dispose()
                $o.Dispose()
            }
        }
    }
}
