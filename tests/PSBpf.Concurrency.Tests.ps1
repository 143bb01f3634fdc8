#Requires -Version 7.6
#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0.0' }
<#
    Many runspaces at once (docs/reliability.md): 8 runspaces of one pwsh (ForEach-Object -Parallel) for a bounded time,
    each loading, attaching, writing, dumping and removing objects in a loop. All of them share one pinned map (app's
    `counts`, each runspace writing its own key), every load of bootstrap goes through CO-RE against the shared kernel
    BTF cache, and two of the runspaces read ring buffers while starting processes. Checked: no error anywhere, every
    runspace's own entries exactly right in the shared map and in its private maps (no cross-talk), each ring reader
    saw the exec of every process it started, and afterwards this process holds no BPF program, map or link fd and no
    pin is left but the shared map's, which the test then removes.
#>

BeforeAll {
    . (Join-Path $PSScriptRoot 'PSBpf.TestSetup.ps1')
    $script:modulePath = (Get-Module PSBpf).Path
    # Seconds each runspace keeps going; PSBPF_CONCURRENCY_SECONDS makes a longer run.
    $script:seconds = if ($env:PSBPF_CONCURRENCY_SECONDS) { [int]$env:PSBPF_CONCURRENCY_SECONDS } else { 20 }

    # This process's descriptors of BPF objects (anon inodes bpf-prog, bpf-map, bpf_link, ...).
    function Get-BpfFdCount {
        @(Get-ChildItem /proc/self/fd -ErrorAction SilentlyContinue | Where-Object { $_.LinkTarget -like 'anon_inode:bpf*' }).Count
    }
}

Describe '8 runspaces at once' -Tag Root {
    BeforeEach {
        if (-not $isRoot) { Set-ItResult -Skipped -Because 'the runspaces load and attach programs (root)' }
    }

    It 'load, attach, write, dump and detach for a bounded time without cross-talk, and leave nothing behind' {
        $pinDir = "/sys/fs/bpf/psbpf-concurrency-$PID"
        New-Item -ItemType Directory -Path $pinDir -Force | Out-Null
        $fdsBefore = Get-BpfFdCount
        try {
            $results = 1..8 | ForEach-Object -ThrottleLimit 8 -Parallel {
                $n = $_
                $ErrorActionPreference = 'Stop'
                Import-Module $using:modulePath
                $fixtures = $using:fixtures
                $bootstrapHeader = $using:bootstrapHeader
                $deadline = (Get-Date).AddSeconds($using:seconds)
                $iterations = 0
                $wrong = [Collections.Generic.List[string]]::new()
                $started = [Collections.Generic.List[int]]::new()
                $seen = [Collections.Generic.HashSet[int]]::new()
                try {
                    while ((Get-Date) -lt $deadline) {
                        $iterations++
                        $app = Import-BpfObject (Join-Path $fixtures 'app.bpf.o') | Invoke-BpfLoad -PinPath $using:pinDir
                        $boot = Import-BpfObject (Join-Path $fixtures 'bootstrap.bpf.o')
                        # .rodata, set before the load (frozen after); bootstrap sends no exec events when it is not 0,
                        # so the two ring readers keep 0.
                        $duration = if ($n -le 2) { 0 } else { $n }
                        $boot.Globals.min_duration_ns = [uint64]$duration
                        $boot = $boot | Invoke-BpfLoad
                        try {
                            # The shared pinned map: one key of this runspace's own, its value the round number.
                            $key = [uint32](100000000 * $n)
                            Set-BpfMapEntry $app.Maps.counts -Key $key -Value $iterations
                            if ((Get-BpfMapEntry $app.Maps.counts -Key $key).Value -ne $iterations) { $wrong.Add("counts[$key] read back wrong") }
                            $mine = @(Get-BpfMapEntry $app.Maps.counts | Where-Object Key -eq $key)
                            if ($mine.Count -ne 1 -or $mine[0].Value -ne $iterations) { $wrong.Add("counts dump: $($mine | ConvertTo-Json -Compress)") }
                            # Private maps and globals: what this runspace wrote, and nothing else.
                            Set-BpfMapEntry $app.Maps.limits -Key $n -Value @{ max = $n; used = $iterations }
                            $limits = @(Get-BpfMapEntry $app.Maps.limits)
                            if ($limits.Count -ne 1 -or $limits[0].Key -ne $n -or $limits[0].Value.used -ne $iterations) { $wrong.Add("limits: $($limits | ConvertTo-Json -Compress)") }
                            if ($boot.Globals.min_duration_ns -ne $duration) { $wrong.Add("global: $($boot.Globals.min_duration_ns)") }

                            # Both of bootstrap's programs, attached and detached each round.
                            $links = @($boot | Add-BpfAttachment)
                            if ($links.Count -ne 2) { $wrong.Add("$($links.Count) links") }
                            if ($n -le 2) {
                                $child = Start-Process -FilePath /bin/true -PassThru -Wait
                                $started.Add($child.Id)
                                Receive-BpfRingBuffer $boot.Maps.rb -Header $bootstrapHeader -Type event -Timeout 1 |
                                    Where-Object { -not $_.exit_event } | ForEach-Object { $null = $seen.Add([int]$_.pid) }
                            }
                            $links | Remove-BpfAttachment
                        }
                        finally {
                            $boot | Remove-BpfObject
                            $app | Remove-BpfObject
                        }
                    }
                    $failure = $null
                }
                catch { $failure = "$($_.FullyQualifiedErrorId): $($_.Exception.Message) at $($_.InvocationInfo.PositionMessage)" }
                [pscustomobject]@{
                    Runspace   = $n
                    Iterations = $iterations
                    Error      = $failure
                    Wrong      = @($wrong)
                    Missed     = @($started | Where-Object { -not $seen.Contains($_) })
                    Started    = $started.Count
                }
            }

            $results.Count | Should -Be 8
            foreach ($r in $results) {
                $r.Error | Should -BeNullOrEmpty -Because "runspace $($r.Runspace) ran without an error"
                $r.Wrong | Should -BeNullOrEmpty -Because "runspace $($r.Runspace) saw only its own data"
                $r.Iterations | Should -BeGreaterThan 1
                if ($r.Runspace -le 2) {
                    $r.Started | Should -BeGreaterThan 0
                    $r.Missed | Should -BeNullOrEmpty -Because "ring reader $($r.Runspace) saw the exec of every process it started"
                }
            }

            # The shared map holds exactly one entry per runspace, its last round number.
            $pin = Join-Path $pinDir 'counts'
            $entries = @(Get-BpfMapEntry -PinnedPath $pin | Sort-Object Key)
            $entries.Key | Should -Be @(1..8 | ForEach-Object { [uint32](100000000 * $_) })
            foreach ($r in $results) { ($entries | Where-Object Key -eq (100000000 * $r.Runspace)).Value | Should -Be $r.Iterations }

            # Nothing left in this process but the pin; it goes with -Unpin.
            Wait-Until { (Get-BpfFdCount) -eq $fdsBefore } | Should -BeTrue -Because 'every program, map and link fd of the runspaces is closed'
            @(Get-BpfProgram -Name handle_exec, handle_exit -ErrorAction SilentlyContinue | Where-Object { $_.Pids.Pid -contains $PID }) |
                Should -BeNullOrEmpty
            @(Get-ChildItem $pinDir).Name | Should -Be @('counts')
            Write-Host "  8 runspaces, $seconds s: $(($results | Measure-Object Iterations -Sum).Sum) load/attach/write/dump/detach rounds ($(($results.Iterations | Sort-Object) -join ', ')); ring readers saw $(($results | Measure-Object Started -Sum).Sum) of their processes"
        }
        finally {
            $last = Import-BpfObject (Join-Path $fixtures 'app.bpf.o') | Invoke-BpfLoad -PinPath $pinDir
            $last | Remove-BpfObject -Unpin
            Remove-Item -Recurse -Force $pinDir -ErrorAction SilentlyContinue
        }
        Test-Path $pinDir | Should -BeFalse
    }
}
