#Requires -Version 7.6
#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0.0' }
<#
    Pester 5 suite for Receive-BpfTraceLog. Reading trace_pipe and loading the minimal fixture (bpf_printk on this
    process's write(2) calls) need root; those tests are tagged Root and skip with that reason otherwise. trace_pipe is
    shared by the whole machine: the tests look for their own output and tolerate other lines.
#>

BeforeAll {
    . (Join-Path $PSScriptRoot 'PSBpf.TestSetup.ps1')
    if (-not ('PSBpfWriteTrigger' -as [type])) {
        # A timer thread that calls write(2) (the minimal fixture's tracepoint) without needing a runspace.
        Add-Type -TypeDefinition @'
using System.Runtime.InteropServices;
using System.Threading;
public static class PSBpfWriteTrigger
{
    [DllImport("libc")] private static extern nint write(int fd, byte[] buf, nint count);
    public static Timer Start() { return new Timer(_ => write(1, new byte[0], 0), null, 0, 50); }
}
'@
    }
}

Describe 'Receive-BpfTraceLog' {
    It 'is exported with help' {
        Get-Command Receive-BpfTraceLog -Module PSBpf | Should -Not -BeNullOrEmpty
        (Get-Help Receive-BpfTraceLog -Full).Synopsis | Should -Match 'trace_pipe'
    }

    It 'does not allow -Wait together with -Timeout' {
        { Receive-BpfTraceLog -Wait -Timeout 1 -ErrorAction Stop } | Should -Throw
    }

    It 'reports an invalid -Match as BpfValueInvalid' {
        { Receive-BpfTraceLog -Match '(' -Timeout 0 -ErrorAction Stop } | Should -Throw -ErrorId 'BpfValueInvalid,PSBpf.Commands.ReceiveBpfTraceLogCommand'
    }

    Context 'as root' -Tag Root {
        BeforeEach {
            if (-not $isRoot) { Set-ItResult -Skipped -Because 'reading trace_pipe and loading programs need root' }
        }

        It 'returns the bpf_printk output of this process as records' {
            $o = Import-BpfObject (Join-Path $fixtures 'minimal.bpf.o')
            $o.Globals.my_pid = $PID
            $o | Invoke-BpfLoad | Out-Null
            $link = $o.Programs.handle_tp.Attach()
            $timer = [PSBpfWriteTrigger]::Start()
            try {
                $r = @(Receive-BpfTraceLog -ProcessId $PID -Match "from PID $PID\." -Count 2 -Timeout 10)
                $r.Count | Should -Be 2
                $r[0] | Should -BeOfType ([PSBpf.Engine.BpfTraceRecord])
                $r[0].Function | Should -Be 'bpf_trace_printk'
                $r[0].Message | Should -Be "write() from PID $PID."
                $r[0].Time | Should -BeGreaterThan (Get-Date).AddMinutes(-1)
            }
            finally {
                $timer.Dispose()
                $link.Dispose()
                $o.Dispose()
            }
        }

        It 'stops at once under Select-Object -First' {
            $o = Import-BpfObject (Join-Path $fixtures 'minimal.bpf.o')
            $o.Globals.my_pid = $PID
            $o | Invoke-BpfLoad | Out-Null
            $link = $o.Programs.handle_tp.Attach()
            $timer = [PSBpfWriteTrigger]::Start()
            try {
                $sw = [Diagnostics.Stopwatch]::StartNew()
                $r = Receive-BpfTraceLog -Wait -ProcessId $PID | Select-Object -First 1
                $sw.Elapsed.TotalSeconds | Should -BeLessThan 10
                $r.Pid | Should -Not -BeNullOrEmpty
            }
            finally {
                $timer.Dispose()
                $link.Dispose()
                $o.Dispose()
            }
        }

        It 'returns after -Timeout' {
            $sw = [Diagnostics.Stopwatch]::StartNew()
            Receive-BpfTraceLog -Timeout 0.3 -Match 'no line ever says this 7c1e' | Should -BeNullOrEmpty
            $sw.Elapsed.TotalSeconds | Should -BeLessThan 5
        }
    }
}
