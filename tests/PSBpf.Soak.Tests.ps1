#Requires -Version 7.6
#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0.0' }
<#
    Long runs (docs/reliability.md): Receive-BpfRingBuffer in a pipeline under a steady producer. The producer is a
    python3 process calling getppid(2) at a fixed rate; tests/fixtures/events_flood.bpf.c turns each of its calls into a
    burst of records numbered in sequence, and counts what the ring refused (rb_drops). The reader checks every
    sequence number and samples its memory once a second.
    - Keeping up: nothing is lost (no drops, no gap in the sequence), and memory stays flat: the managed heap after the
      first tenth of the run (live objects, sampled after a collection) never grows by more than 8 MiB.
    - Falling behind (a small ring and a reader that pauses): the records received plus the drops the BPF side counted
      are exactly the records produced, and the sequence numbers missing are exactly the drops.
    The normal run is 30 seconds (split between the two); `-Tag Soak` runs the keeping-up case for 10 minutes
    (PSBPF_SOAK_SECONDS to change it): tests/Invoke-PesterSuite.ps1 -Tag Soak.
#>

BeforeAll {
    . (Join-Path $PSScriptRoot 'PSBpf.TestSetup.ps1')
    # The fixture's record, which its BTF does not carry (no anchor), declared as its source does.
    $script:record = 'struct flood_rec { unsigned long long seq; };'

    # A steady producer: getppid() every $Interval seconds, for ever (the test kills it).
    function Start-Producer([double] $Interval) {
        $code = "import os, time`nnext = time.monotonic()`nwhile True:`n    os.getppid()`n    next += $Interval`n    d = next - time.monotonic()`n    if d > 0: time.sleep(d)"
        $psi = [Diagnostics.ProcessStartInfo]::new('python3')
        $psi.ArgumentList.Add('-c'); $psi.ArgumentList.Add($code)
        [Diagnostics.Process]::Start($psi)
    }

    # Loads events_flood for the producer's thread, reads for $Seconds, then stops the producer and drains the rest.
    function Invoke-Soak([int] $Seconds, [uint32] $RingBytes, [uint32] $Burst, [double] $Interval, [int] $PauseEvery) {
        $producer = Start-Producer $Interval
        $o = Import-BpfObject (Join-Path $fixtures 'events_flood.bpf.o')
        try {
            $o.Globals.target_tid = $producer.Id
            $o.Globals.burst = $Burst
            $o.Maps.rb.MaxEntries = $RingBytes
            $o = $o | Invoke-BpfLoad
            $null = $o.Programs.handle_ringbuf | Add-BpfAttachment
            $state = @{ Received = 0L; Next = 0UL; Gaps = 0UL; Reordered = 0; Heap = [Collections.Generic.List[long]]::new(); LastSample = [Environment]::TickCount64 }
            $sample = {
                if ([Environment]::TickCount64 - $state.LastSample -ge 1000) {
                    $state.LastSample = [Environment]::TickCount64
                    $state.Heap.Add([GC]::GetTotalMemory($true))   # live objects: after a collection
                }
            }
            Receive-BpfRingBuffer $o.Maps.rb -TypeDefinition $record -Timeout $Seconds | ForEach-Object {
                $seq = $_.seq
                if ($seq -lt $state.Next) { $state.Reordered++ }
                else { $state.Gaps += $seq - $state.Next; $state.Next = $seq + 1 }
                $state.Received++
                if ($PauseEvery -gt 0 -and $state.Received % $PauseEvery -eq 0) { Start-Sleep -Milliseconds 20 }
                & $sample
            }
            $producer.Kill()
            $producer.WaitForExit()
            # What is still in the ring after the producer stopped.
            Receive-BpfRingBuffer $o.Maps.rb -TypeDefinition $record -Timeout 1 | ForEach-Object {
                $seq = $_.seq
                if ($seq -lt $state.Next) { $state.Reordered++ } else { $state.Gaps += $seq - $state.Next; $state.Next = $seq + 1 }
                $state.Received++
            }
            [pscustomobject]@{
                Produced  = [uint64]$o.Globals.next_seq
                Drops     = [uint64]$o.Globals.rb_drops
                Received  = $state.Received
                Gaps      = $state.Gaps
                Next      = $state.Next
                Reordered = $state.Reordered
                Heap      = $state.Heap.ToArray()
                Seconds   = $Seconds
            }
        }
        finally {
            if (-not $producer.HasExited) { $producer.Kill(); $producer.WaitForExit() }
            $o | Remove-BpfObject
        }
    }

    function Assert-FlatHeap($r) {
        $r.Heap.Count | Should -BeGreaterThan 5
        $skip = [math]::Max(1, [int]($r.Heap.Count / 10))
        $base = ($r.Heap | Select-Object -First $skip | Measure-Object -Maximum).Maximum
        $peak = ($r.Heap | Select-Object -Skip $skip | Measure-Object -Maximum).Maximum
        ($peak - $base) | Should -BeLessThan 8MB -Because "the managed heap went from $([int]($base / 1MB)) MiB to $([int]($peak / 1MB)) MiB"
        Write-Host ("  {0} s: {1:N0} records ({2:N0}/s), {3:N0} dropped; heap {4:N1} → {5:N1} MiB" -f $r.Seconds, $r.Received, ($r.Received / $r.Seconds), $r.Drops, ($base / 1MB), ($peak / 1MB))
    }
}

Describe 'Receive-BpfRingBuffer under a steady producer' -Tag Root {
    BeforeEach {
        if (-not $isRoot) { Set-ItResult -Skipped -Because 'the reader loads and attaches a program (root)' }
    }

    It 'loses nothing while it keeps up, in flat memory (20 s)' {
        $r = Invoke-Soak -Seconds 20 -RingBytes (1MB) -Burst 4 -Interval 0.001 -PauseEvery 0
        $r.Drops | Should -Be 0
        $r.Gaps | Should -Be 0
        $r.Reordered | Should -Be 0
        $r.Received | Should -Be $r.Produced
        $r.Received | Should -BeGreaterThan 20000
        Assert-FlatHeap $r
    }

    It 'counts exactly what it loses when it falls behind (10 s)' {
        $r = Invoke-Soak -Seconds 10 -RingBytes (16KB) -Burst 16 -Interval 0.001 -PauseEvery 200
        $r.Drops | Should -BeGreaterThan 0 -Because 'a 16 KiB ring and a reader that pauses fall behind'
        ($r.Received + $r.Drops) | Should -Be $r.Produced
        # Drops after the last record received leave no gap: they are the sequence numbers past it.
        ($r.Gaps + ($r.Produced - $r.Next)) | Should -Be $r.Drops
        $r.Reordered | Should -Be 0
        Write-Host ("  {0:N0} produced, {1:N0} received, {2:N0} dropped and counted" -f $r.Produced, $r.Received, $r.Drops)
    }
}

Describe 'Soak: Receive-BpfRingBuffer for 10 minutes' -Tag Soak, Root {
    It 'loses nothing and keeps its memory flat' {
        if (-not $isRoot) { Set-ItResult -Skipped -Because 'the reader loads and attaches a program (root)'; return }
        $seconds = if ($env:PSBPF_SOAK_SECONDS) { [int]$env:PSBPF_SOAK_SECONDS } else { 600 }
        $r = Invoke-Soak -Seconds $seconds -RingBytes (1MB) -Burst 4 -Interval 0.001 -PauseEvery 0
        $r.Drops | Should -Be 0
        $r.Gaps | Should -Be 0
        $r.Received | Should -Be $r.Produced
        Assert-FlatHeap $r
    }
}
