#Requires -Version 7.6
#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0.0' }
<#
    Pester 5 suite for Measure-BpfProgram (bpftop as a cmdlet). The program measured is the hist fixture's XDP
    program, freshly loaded, so the kernel has counted none of its runs; the test runs it a known number of times with
    Invoke-BpfProgram -Repeat (BPF_PROG_TEST_RUN counts each run while statistics are on) while the cmdlet samples in
    a thread job of this process, and compares the counts with the run_cnt and run_time_ns bpftool reports. After the
    cmdlet ends, statistics are off again: this process holds no bpf-stats fd, and runs are no longer counted (checked
    only when nothing else on the machine holds statistics on, which the test probes).
#>

BeforeAll {
    . (Join-Path $PSScriptRoot 'PSBpf.TestSetup.ps1')
    $script:modulePath = (Get-Module PSBpf).Path

    # bpf-stats fds (BPF_ENABLE_STATS) a process holds
    function Get-StatsFd([int] $ProcessId) {
        @(Get-ChildItem "/proc/$ProcessId/fd" -ErrorAction SilentlyContinue | Where-Object { $_.LinkTarget -eq 'anon_inode:bpf-stats' })
    }

    # Why run-time statistics may be on without this process: the sysctl, or another process's BPF_ENABLE_STATS fd.
    function Get-OtherStatsHolder {
        if ((Get-Content /proc/sys/kernel/bpf_stats_enabled -ErrorAction SilentlyContinue) -eq '1') { return 'the kernel.bpf_stats_enabled sysctl is 1' }
        foreach ($p in Get-ChildItem /proc -Directory | Where-Object Name -match '^\d+$') {
            if ([int]$p.Name -eq $PID) { continue }
            if ((Get-StatsFd ([int]$p.Name)).Count -gt 0) { return "process $($p.Name) holds a BPF_ENABLE_STATS fd" }
        }
        $null
    }

    # Measure-BpfProgram with these arguments in a thread job of this process; returns once the job has turned
    # statistics on and read its baseline (its first verbose message).
    function Start-Measure([hashtable] $Arguments) {
        $job = Start-ThreadJob -ScriptBlock {
            param($m, $a)
            Import-Module $m
            Measure-BpfProgram @a -Verbose
        } -ArgumentList $modulePath, $Arguments
        $deadline = (Get-Date).AddSeconds(20)
        while ($job.Verbose.Count -eq 0 -and $job.State -in 'NotStarted', 'Running' -and (Get-Date) -lt $deadline) { Start-Sleep -Milliseconds 20 }
        $job.Verbose.Count | Should -BeGreaterThan 0 -Because "the job starts sampling: $($job.Error)"
        $job
    }

    function Get-BpftoolProgram([uint32] $Id) { bpftool -j prog show id $Id | ConvertFrom-Json }
}

Describe 'Measure-BpfProgram' {
    It 'is exported with help' {
        Get-Command Measure-BpfProgram -Module PSBpf | Should -Not -BeNullOrEmpty
        (Get-Help Measure-BpfProgram -Full).Synopsis | Should -Match 'bpftop'
    }

    It 'refuses <Name> at binding' -ForEach @(
        @{ Name = 'an interval of 0'; Arguments = @{ Interval = 0 } }
        @{ Name = 'a negative count'; Arguments = @{ Count = -1 } }
    ) {
        { Measure-BpfProgram @Arguments -ErrorAction Stop } | Should -Throw -ErrorId 'ParameterArgumentValidationError,PSBpf.Commands.MeasureBpfProgramCommand'
    }

    Context 'as root' -Tag Root {
        BeforeAll {
            if (-not $isRoot) { return }
            $script:h = Import-BpfObject (Join-Path $fixtures 'hist.bpf.o') | Invoke-BpfLoad
            $script:id = $h.Programs.hist_len.Id
            $script:packet = [byte[]]::new(64)
        }

        AfterAll {
            if ($isRoot -and $h) { $h | Remove-BpfObject }
        }

        BeforeEach {
            if (-not $isRoot) { Set-ItResult -Skipped -Because 'turning statistics on and reading programs needs root (CAP_SYS_ADMIN)' }
        }

        It 'counts exactly the runs the test drives, as bpftool does, and turns statistics off afterwards' {
            (Get-BpftoolProgram $id).PSObject.Properties.Name | Should -Not -Contain 'run_cnt' -Because 'the fresh program has no counted runs'
            $job = Start-Measure @{ Id = $id; Interval = 1.5; Count = 2 }
            (Get-StatsFd $PID).Count | Should -BeGreaterThan 0 -Because 'the cmdlet holds BPF_ENABLE_STATS while it samples'
            1..4 | ForEach-Object { Invoke-BpfProgram $h.Programs.hist_len -Data $packet -Repeat 2500 | Out-Null }
            $samples = @($job | Receive-Job -Wait -AutoRemoveJob)

            $samples.Count | Should -Be 2
            $samples | Should -BeOfType ([PSBpf.Engine.BpfProgramSample])
            $samples.Sample | Should -Be @(1, 2)
            $samples.Id | Should -Be @($id, $id)
            $samples[0].Name | Should -Be 'hist_len'
            "$($samples[0].Type)" | Should -Be 'xdp'
            ($samples.RunCount | Measure-Object -Sum).Sum | Should -Be 10000
            $samples[1].TotalRunCount | Should -Be 10000

            # bpftool reads the same counters
            $b = Get-BpftoolProgram $id
            $b.run_cnt | Should -Be 10000
            $b.run_time_ns | Should -Be $samples[1].TotalRunTimeNs
            ($samples.RunTimeNs | Measure-Object -Sum).Sum | Should -Be $b.run_time_ns

            # the derived columns, from the sample's own counters and measured interval
            foreach ($s in $samples) {
                $s.Interval.TotalSeconds | Should -BeGreaterThan 1.2
                $s.RunsPerSecond | Should -BeLike ($s.RunCount / $s.Interval.TotalSeconds)
                $s.CpuPercent | Should -BeLike ($s.RunTimeNs / ($s.Interval.TotalSeconds * 1e9) * 100)
                if ($s.RunCount) { $s.AverageNs | Should -BeLike ($s.RunTimeNs / $s.RunCount) } else { $s.AverageNs | Should -BeNullOrEmpty }
            }
            ($samples | Where-Object RunCount -gt 0).RunTimeNs | Should -BeGreaterThan 0

            # statistics are off again: this process holds no bpf-stats fd, and runs are no longer counted
            (Get-StatsFd $PID).Count | Should -Be 0
            $other = Get-OtherStatsHolder
            if ($other) { Set-ItResult -Skipped -Because "statistics stay on for someone else ($other), so runs are still counted"; return }
            Invoke-BpfProgram $h.Programs.hist_len -Data $packet -Repeat 1000 | Out-Null
            $after = Get-BpftoolProgram $id
            $after.run_cnt | Should -Be 10000
            $after.run_time_ns | Should -Be $b.run_time_ns
        }

        It 'takes the programs from <Name>' -ForEach @(
            @{ Name = 'an object piped from Invoke-BpfLoad'; Run = { $h | Measure-BpfProgram -Interval 0.05 } }
            @{ Name = 'an object''s program piped'; Run = { $h.Programs.hist_len | Measure-BpfProgram -Interval 0.05 } }
            @{ Name = 'Get-BpfProgram output piped (by Id)'; Run = { Get-BpfProgram -Id $id | Measure-BpfProgram -Interval 0.05 } }
            @{ Name = '-Name and -Type over the kernel''s programs'; Run = { Measure-BpfProgram -Name hist_l* -Type xdp -Interval 0.05 | Where-Object Id -eq $id } }
        ) {
            $s = @(& $Run)
            $s.Count | Should -Be 1
            $s[0].Id | Should -Be $id
            $s[0].Sample | Should -Be 1
        }

        It 'samples every kernel program by default' {
            $all = @(Measure-BpfProgram -Interval 0.05)
            $all.Id | Should -Contain $id
            @($all.Id | Sort-Object -Unique).Count | Should -Be $all.Count
        }

        It 'takes -Count samples, -Interval apart' {
            $s = @(Measure-BpfProgram -Id $id -Interval 0.2 -Count 3)
            $s.Sample | Should -Be @(1, 2, 3)
            foreach ($x in $s) { $x.Interval.TotalSeconds | Should -BeGreaterOrEqual 0.15; $x.Interval.TotalSeconds | Should -BeLessThan 1 }
        }

        It 'samples until stopped with -Count 0, and a stop ends it at once and releases statistics' {
            $job = Start-Measure @{ Id = $id; Interval = 0.1; Count = 0 }
            Wait-Until { $job.Output.Count -ge 3 } | Should -BeTrue -Because 'it keeps sampling'
            $job | Stop-Job
            $job.State | Should -Be 'Stopped'
            $n = $job.Output.Count
            Start-Sleep -Milliseconds 300
            $job.Output.Count | Should -Be $n -Because 'no samples after the stop'
            $job | Remove-Job
            (Get-StatsFd $PID).Count | Should -Be 0

            # a stop during a long wait does not wait for the interval
            $job = Start-Measure @{ Id = $id; Interval = 60; Count = 0 }
            $watch = [Diagnostics.Stopwatch]::StartNew()
            $job | Stop-Job
            $watch.Elapsed.TotalSeconds | Should -BeLessThan 5
            $job.Output.Count | Should -Be 0
            $job | Remove-Job
            (Get-StatsFd $PID).Count | Should -Be 0
        }

        It 'ends when Select-Object -First has enough, and releases statistics' {
            $s = @(Measure-BpfProgram -Id $id -Interval 0.05 -Count 0 | Select-Object -First 2)
            $s.Sample | Should -Be @(1, 2)
            (Get-StatsFd $PID).Count | Should -Be 0
        }

        It 'drops a program that is unloaded while it samples' {
            $o = Import-BpfObject (Join-Path $fixtures 'hist.bpf.o') | Invoke-BpfLoad
            $gone = $o.Programs.hist_len.Id
            $job = Start-Measure @{ Id = $gone, $id; Interval = 0.5; Count = 3 }
            Wait-Until { $job.Output.Count -ge 2 } | Should -BeTrue
            $o | Remove-BpfObject
            Wait-Until { -not (Get-BpfProgram | Where-Object Id -eq $gone) } | Should -BeTrue -Because 'the kernel frees the program'
            $job | Wait-Job -Timeout 20 | Out-Null
            $samples = @($job.Output)
            $verbose = @($job.Verbose | ForEach-Object Message)   # read before Receive-Job, which takes them
            $job | Remove-Job -Force
            @($samples | Where-Object Id -eq $id).Count | Should -Be 3
            @($samples | Where-Object Id -eq $gone).Count | Should -BeLessThan 3
            $verbose | Should -Contain "Program $gone is gone; no longer measured."
        }

        It 'reports <Name> as <ErrorId>' -ForEach @(
            @{ Name = 'an id no program has'; ErrorId = 'BpfKernelObjectNotFound'; Run = { [CmdletBinding()] param() Measure-BpfProgram -Id ([uint32]::MaxValue) -Interval 0.05 } }
            @{ Name = 'a name no program has'; ErrorId = 'BpfKernelObjectNotFound'; Run = { [CmdletBinding()] param() Measure-BpfProgram -Name histstats-no-such-program -Interval 0.05 } }
            @{ Name = 'an object that is not loaded'; ErrorId = 'BpfObjectNotLoaded'; Run = { [CmdletBinding()] param() Import-BpfObject (Join-Path $fixtures 'hist.bpf.o') | Measure-BpfProgram -Interval 0.05 } }
            @{ Name = 'a program that is not loaded'; ErrorId = 'BpfObjectNotLoaded'; Run = { [CmdletBinding()] param() (Import-BpfObject (Join-Path $fixtures 'hist.bpf.o')).Programs.hist_len | Measure-BpfProgram -Interval 0.05 } }
        ) {
            $e = $null
            $out = & $Run -ErrorAction SilentlyContinue -ErrorVariable e
            $out | Should -BeNullOrEmpty
            $e | Should -Not -BeNullOrEmpty
            $e[0].FullyQualifiedErrorId | Should -Be "$ErrorId,PSBpf.Commands.MeasureBpfProgramCommand"
            (Get-StatsFd $PID).Count | Should -Be 0
        }
    }
}
