#Requires -Version 7.6
#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0.0' }
<#
    Pester 5 suite for ConvertTo-BpfHistogram. The reference is libbpf-tools' print_log2_hist and print_linear_hist
    (bcc, libbpf-tools/trace_helpers.c). Debian serves libbpf-tools (0.26), but none of its tools prints a histogram
    of counts a test chooses: each fills its histogram from kernel events (most through kprobes or fentry, which this
    kernel lacks), so no tool can be made to show an empty histogram, 64 buckets or counts of 10^11. The reference is
    therefore tests/oracle/histogram.c (hist_oracle, built with the fixtures), which prints that layout for counts
    given on its command line; the default view of each histogram is compared with it line by line. hist_oracle's
    header says where it deliberately differs from libbpf-tools (64-bit counts, bucket 63's range).
    The map tests fill the hist fixture's maps from XDP runs on packets of known lengths and compare with the counts
    bpftool dumps.
#>

BeforeAll {
    . (Join-Path $PSScriptRoot 'PSBpf.TestSetup.ps1')
    $PSStyle.OutputRendering = 'PlainText'
    $script:oracle = Join-Path $fixtures 'hist_oracle'

    # What hist_oracle prints for these arguments, as lines.
    function Invoke-Oracle([string[]] $Arguments) {
        $out = & $oracle @Arguments
        $LASTEXITCODE | Should -Be 0 -Because "hist_oracle $Arguments runs"
        @($out)
    }

    # The lines of the histograms' default view (what the console shows), without the blank lines around it.
    function Get-ViewLines($InputObject) {
        $text = ($InputObject | Out-String -Width 400).Trim("`r", "`n")
        if (-not $text) { return @() }
        @($text -split "`r?`n" | ForEach-Object TrimEnd)
    }

    # Map-entry-like objects for counts: key = bucket index, value = count (an array map's entries).
    function ConvertTo-Entry([object[]] $Counts) {
        for ($i = 0; $i -lt $Counts.Count; $i++) { [pscustomobject]@{ Key = $i; Value = $Counts[$i] } }
    }

    # floor(log2(n)), 0 for 0 and 1: the bucket the fixture (and libbpf-tools' log2l) puts n into
    function Get-Log2Slot([uint64] $n) { $s = 0; while ($n -gt 1) { $n = $n -shr 1; $s++ }; $s }
}

Describe 'ConvertTo-BpfHistogram' {
    It 'is exported with help' {
        Get-Command ConvertTo-BpfHistogram -Module PSBpf | Should -Not -BeNullOrEmpty
        (Get-Help ConvertTo-BpfHistogram -Full).Synopsis | Should -Match 'libbpf-tools'
    }

    Context 'layout, against hist_oracle' {
        It 'draws a log2 histogram of <Name> as print_log2_hist does' -ForEach @(
            @{ Name = 'one bucket'; Counts = @(0, 0, 0, 5) }
            @{ Name = 'zeros in the middle'; Counts = @(3, 0, 0, 9, 0, 0, 1, 0, 0) }
            @{ Name = 'leading empty buckets'; Counts = @(0, 0, 0, 0, 0, 0, 0, 2, 4, 8, 16, 32, 64) }
            @{ Name = 'counts up to 107374182 (where libbpf-tools'' 32-bit bar arithmetic still holds)'; Counts = @(107374182, 5, 99999999, 12345678, 1) }
            @{ Name = 'huge counts (wider than the 8-column field)'; Counts = @(1, 4000000000, 123456789012, 0, 7, [uint64][long]::MaxValue) }
            @{ Name = 'bucket 32 last (the narrow layout)'; Counts = @(@(1) + @(0) * 31 + @(3)) }
            @{ Name = 'bucket 33 last (the wide layout: 20 columns, 20 stars)'; Counts = @(@(1) + @(0) * 32 + @(3)) }
            @{ Name = '64 buckets'; Counts = @(1..64 | ForEach-Object { $_ * 3 }) }
        ) {
            $h = ConvertTo-Entry $Counts | ConvertTo-BpfHistogram -Unit usecs
            $h | Should -BeOfType ([PSBpf.Engine.BpfHistogram])
            $expected = Invoke-Oracle (@('log2', 'usecs') + @($Counts | ForEach-Object { "$_" }))
            $expected.Count | Should -BeGreaterThan 1
            Get-ViewLines $h | Should -Be $expected
            $h.ToLines() | Should -Be $expected
            $sum = [decimal]0; foreach ($c in $Counts) { $sum += $c }   # exact: Measure-Object adds in double
            [decimal]$h.TotalCount | Should -Be $sum
        }

        It 'draws a linear histogram of <Name> as print_linear_hist does' -ForEach @(
            @{ Name = 'one bucket'; Base = 0; Step = 1; Counts = @(0, 0, 7) }
            @{ Name = 'zeros in the middle (left out)'; Base = 100; Step = 25; Counts = @(0, 2, 0, 0, 5, 1, 0, 3, 0) }
            @{ Name = 'huge counts'; Base = 1; Step = 1000; Counts = @(10, 123456789012, 0, 4) }
        ) {
            $h = ConvertTo-Entry $Counts | ConvertTo-BpfHistogram -Linear -Base $Base -Step $Step -Unit msecs
            $h.Kind | Should -Be 'Linear'
            $expected = Invoke-Oracle (@('linear', 'msecs', "$Base", "$Step") + @($Counts | ForEach-Object { "$_" }))
            Get-ViewLines $h | Should -Be $expected
            $h.Buckets[1].Low | Should -Be ($Base + $Step)
            $h.Buckets[1].High | Should -Be ($Base + 2 * $Step - 1)
        }

        It 'takes -Log2 as the default it is, and lists histograms one per line with Format-Table' {
            $entries = ConvertTo-Entry @(0, 3, 1)
            $h = $entries | ConvertTo-BpfHistogram -Log2
            $h.Kind | Should -Be 'Log2'
            $h.Text | Should -Be (($entries | ConvertTo-BpfHistogram).Text)
            $h.Text -split "`n" | Should -Be (Invoke-Oracle @('log2', 'value', '0', '3', '1'))
            $table = @(($h | Format-Table | Out-String -Width 120) -split "`n" | ForEach-Object TrimEnd | Where-Object { $_ })
            $table[0] | Should -Match '^Label\s+Kind\s+Unit\s+Buckets\s+TotalCount\s+MaxCount$'
            $table[2] | Should -Match '^\s*Log2\s+value\s+3\s+4\s+3$'
        }

        It 'prints nothing for an empty histogram, as libbpf-tools does, and keeps the buckets as data' {
            Invoke-Oracle @('log2', 'usecs', '0', '0', '0') | Should -BeNullOrEmpty
            Invoke-Oracle @('linear', 'usecs', '0', '1', '0', '0') | Should -BeNullOrEmpty
            $h = ConvertTo-Entry @(0, 0, 0) | ConvertTo-BpfHistogram
            Get-ViewLines $h | Should -BeNullOrEmpty
            $h.Buckets.Count | Should -Be 3
            $h.TotalCount | Should -Be 0
            Get-ViewLines (ConvertTo-Entry @(0, 0) | ConvertTo-BpfHistogram -Linear) | Should -BeNullOrEmpty
        }

        It 'heads each per-key histogram of struct hist values with "<KeyName> = <key>"' {
            $entries = @(
                [pscustomobject]@{ Key = 123; Value = [pscustomobject]@{ slots = [uint32[]](0, 4, 0, 9) } }
                [pscustomobject]@{ Key = 77; Value = [pscustomobject]@{ comm = 'bash'; slots = [uint32[]](1, 0, 0, 0, 0, 2) } }
            )
            $h = @($entries | ConvertTo-BpfHistogram -KeyName pid -Unit usecs)
            $h.Count | Should -Be 2
            $h[0].Key | Should -Be 123
            $h[0].Label | Should -Be 'pid = 123'
            Get-ViewLines $h[0] | Should -Be (Invoke-Oracle @('log2', 'usecs', '0', '4', '0', '9', '--label', 'pid = 123'))
            Get-ViewLines $h[1] | Should -Be (Invoke-Oracle @('log2', 'usecs', '1', '0', '0', '0', '0', '2', '--label', 'pid = 77'))
            # both sections in one view, each with its header, as a per-pid libbpf-tools run prints them
            $both = (Get-ViewLines $h) | Where-Object { $_ }
            $both | Should -Be (@(Get-ViewLines $h[0]) + @(Get-ViewLines $h[1]) | Where-Object { $_ })
        }

        It 'takes the counts from -SlotProperty, and names struct keys member by member' {
            $e = [pscustomobject]@{ Key = [pscustomobject]@{ dev = 8; part = 1 }; Value = [pscustomobject]@{ a = [uint32[]](1, 1); b = [uint32[]](0, 5) } }
            $h = $e | ConvertTo-BpfHistogram -SlotProperty b
            $h.Label | Should -Be 'dev = 8, part = 1'
            $h.Buckets.Count | Should -Be @(0, 5).Count
            $h.Buckets[1].Count | Should -Be 5
        }

        It 'keeps the data as objects: ConvertTo-Json and a deserialized copy' {
            $h = ConvertTo-Entry @(1, 0, 6) | ConvertTo-BpfHistogram -Unit bytes
            $json = $h | ConvertTo-Json -Depth 4 | ConvertFrom-Json
            $json.Kind | Should -Be 'Log2'
            $json.Unit | Should -Be 'bytes'
            $json.Buckets.Count | Should -Be 3
            $json.Buckets[2].Low | Should -Be 4
            $json.Buckets[2].High | Should -Be 7
            $json.Buckets[2].Count | Should -Be 6
            $json.Buckets[2].Fraction | Should -Be 1
            $copy = [System.Management.Automation.PSSerializer]::Deserialize([System.Management.Automation.PSSerializer]::Serialize($h, 3))
            $copy.PSObject.TypeNames[0] | Should -Be 'Deserialized.PSBpf.Engine.BpfHistogram'
            Get-ViewLines $copy | Should -Be (Get-ViewLines $h)
        }

        It 'crosses to another process (a job) with its buckets, its struct key and its view' {
            # the manifest, not (Get-Module PSBpf).Path (the dll), so the job loads PSBpf.types.ps1xml too
            $module = $modulePath
            $copy = Start-Job -ScriptBlock {
                param($m)
                Import-Module $m
                [pscustomobject]@{ Key = [pscustomobject]@{ pid = 5 }; Value = [pscustomobject]@{ slots = [uint32[]](1, 2, 3) } } | ConvertTo-BpfHistogram -Unit usecs
            } -ArgumentList $module | Receive-Job -Wait -AutoRemoveJob
            $copy.PSObject.TypeNames[0] | Should -Be 'Deserialized.PSBpf.Engine.BpfHistogram'
            $copy.Buckets.Count | Should -Be 3
            $copy.Buckets[2].Count | Should -Be 3
            $copy.Buckets[2].Low | Should -Be 4
            $copy.Key.pid | Should -Be 5
            Get-ViewLines $copy | Should -Be (Invoke-Oracle @('log2', 'usecs', '1', '2', '3', '--label', 'pid = 5'))
        }

        It 'shows buckets as a table with bars' {
            $h = ConvertTo-Entry @(2, 0, 8) | ConvertTo-BpfHistogram
            $lines = @(($h.Buckets | Format-Table | Out-String -Width 120) -split "`n" | ForEach-Object TrimEnd | Where-Object { $_ })
            $lines[0] | Should -Match '^\s*Low\s+High\s+Count\s+Distribution$'
            $lines[2] | Should -Match ('^\s*0\s+1\s+2 \|\*{10} {30}\|$')
            $lines[3] | Should -Match ('^\s*2\s+3\s+0 \| {40}\|$')
            $lines[4] | Should -Match ('^\s*4\s+7\s+8 \|\*{40}\|$')
        }
    }

    Context 'bad input' {
        It 'reports <Name> as BpfHistogramInputInvalid naming it' -ForEach @(
            @{ Name = 'a key that is no bucket index'; Entries = { [pscustomobject]@{ Key = 'x'; Value = 1 } }; Match = "key 'x' is no bucket index" }
            @{ Name = 'a value without counts'; Entries = { [pscustomobject]@{ Key = 1; Value = 'text' } }; Match = "value 'text' holds no counts" }
            @{ Name = 'an object that is no map entry'; Entries = { 42 }; Match = 'no Value' }
            @{ Name = 'a negative count'; Entries = { [pscustomobject]@{ Key = 0; Value = -3 } }; Match = 'count -3 is negative' }
            @{ Name = 'a log2 bucket past 63'; Entries = { [pscustomobject]@{ Key = 64; Value = 1 } }; Match = 'at most 64 buckets' }
            @{ Name = 'a mix of forms'; Entries = { [pscustomobject]@{ Key = 0; Value = 1 }; [pscustomobject]@{ Key = 1; Value = [uint32[]](1, 2) } }; Match = 'one histogram takes one form' }
            @{ Name = 'a missing -SlotProperty'; Entries = { [pscustomobject]@{ Key = 1; Value = [pscustomobject]@{ slots = [uint32[]](1) } } }; Match = "no member 'nope'"; Extra = @{ SlotProperty = 'nope' } }
        ) {
            $extra = if ($Extra) { $Extra } else { @{} }
            $e = $null
            & $Entries | ConvertTo-BpfHistogram @extra -ErrorAction SilentlyContinue -ErrorVariable e | Out-Null
            $e | Should -Not -BeNullOrEmpty
            $e[0].FullyQualifiedErrorId | Should -Be 'BpfHistogramInputInvalid,PSBpf.Commands.ConvertToBpfHistogramCommand'
            "$($e[0].CategoryInfo.Category)" | Should -Be 'InvalidArgument'
            $e[0].ErrorDetails.Message | Should -Match ([regex]::Escape($Match))
        }

        It 'refuses a -Step of 0 at binding' {
            { ConvertTo-Entry @(1) | ConvertTo-BpfHistogram -Linear -Step 0 -ErrorAction Stop } | Should -Throw -ErrorId 'ParameterArgumentValidationError,PSBpf.Commands.ConvertToBpfHistogramCommand'
        }
    }

    Context 'from real maps' -Tag Root {
        BeforeAll {
            if (-not $isRoot) { return }
            $script:h = Import-BpfObject (Join-Path $fixtures 'hist.bpf.o') | Invoke-BpfLoad
            # packets of known lengths; the first byte is the per-key map's key
            $script:packets = @(
                @{ Len = 14; First = 1 }, @{ Len = 15; First = 1 }, @{ Len = 60; First = 1 }, @{ Len = 64; First = 2 },
                @{ Len = 100; First = 2 }, @{ Len = 127; First = 2 }, @{ Len = 128; First = 3 }, @{ Len = 1500; First = 3 },
                @{ Len = 1500; First = 3 }, @{ Len = 3000; First = 1 }
            )
            foreach ($p in $packets) {
                $d = [byte[]]::new($p.Len); $d[0] = $p.First
                Invoke-BpfProgram $h.Programs.hist_len -Data $d | Out-Null
            }
            # the counts as bpftool reads them from the kernel
            $script:dump = bpftool -j map dump id $h.Maps.hist.Id | ConvertFrom-Json
            $script:dumpByKey = bpftool -j map dump id $h.Maps.hist_by_key.Id | ConvertFrom-Json
        }

        AfterAll {
            if ($isRoot -and $h) { $h | Remove-BpfObject }
        }

        BeforeEach {
            if (-not $isRoot) { Set-ItResult -Skipped -Because 'loading and running the fixture needs root (CAP_BPF, CAP_NET_ADMIN)' }
        }

        It 'draws the log2 array map as libbpf-tools draws bpftool''s counts' {
            $counts = @($dump.formatted | Sort-Object key | ForEach-Object { [uint64]$_.value })
            # the kernel counted what the test sent
            foreach ($slot in 0..31) {
                $counts[$slot] | Should -Be @($packets | Where-Object { (Get-Log2Slot $_.Len) -eq $slot }).Count -Because "bucket $slot"
            }
            $hist = Get-BpfMapEntry -Map $h.Maps.hist | ConvertTo-BpfHistogram -Unit bytes
            Get-ViewLines $hist | Should -Be (Invoke-Oracle (@('log2', 'bytes') + @($counts | ForEach-Object { "$_" })))
            $hist.TotalCount | Should -Be $packets.Count
        }

        It 'adds up a per-CPU array over the CPUs' {
            $dumpPerCpu = bpftool -j map dump id $h.Maps.hist_percpu.Id | ConvertFrom-Json
            $counts = @($dumpPerCpu.formatted | Sort-Object key | ForEach-Object { [uint64]($_.values.value | Measure-Object -Sum).Sum })
            ($counts | Measure-Object -Sum).Sum | Should -Be $packets.Count
            $perCpu = Get-BpfMapEntry -Map $h.Maps.hist_percpu | ConvertTo-BpfHistogram -Unit bytes
            Get-ViewLines $perCpu | Should -Be (Invoke-Oracle (@('log2', 'bytes') + @($counts | ForEach-Object { "$_" })))
        }

        It 'draws one section per key of the struct hist map, as bpftool dumps it' {
            $hists = @(Get-BpfMapEntry -Map $h.Maps.hist_by_key | ConvertTo-BpfHistogram -KeyName first -Unit bytes)
            $hists.Count | Should -Be @($packets.First | Sort-Object -Unique).Count
            @($hists.Key | Sort-Object) | Should -Be @($dumpByKey.formatted.key | Sort-Object)
            foreach ($hist in $hists) {
                $slots = @(($dumpByKey.formatted | Where-Object key -eq $hist.Key).value.slots)
                $slots.Count | Should -Be 32
                Get-ViewLines $hist | Should -Be (Invoke-Oracle (@('log2', 'bytes') + @($slots | ForEach-Object { "$_" }) + @('--label', "first = $($hist.Key)")))
                $hist.TotalCount | Should -Be @($packets | Where-Object First -eq $hist.Key).Count
            }
        }
    }
}
