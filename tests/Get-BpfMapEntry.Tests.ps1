#Requires -Version 7.6
#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0.0' }
<#
    Pester 5 suite for Get-BpfMapEntry. Needs root to load the fixture; those tests are tagged Root and skip with that reason.
#>

BeforeAll {
    . (Join-Path $PSScriptRoot 'PSBpf.TestSetup.ps1')
}

Describe 'Get-BpfMapEntry' {
    It 'is exported with help' {
        Get-Command Get-BpfMapEntry -Module PSBpf | Should -Not -BeNullOrEmpty
        (Get-Help Get-BpfMapEntry -Full).Synopsis | Should -Not -BeNullOrEmpty
    }

    Context 'on a loaded map' -Tag Root {
        BeforeEach {
            if (-not $isRoot) { Set-ItResult -Skipped -Because 'loading BPF objects needs root (CAP_BPF)' }
            $o = Import-BpfObject (Join-Path $fixtures 'calls.bpf.o') | Invoke-BpfLoad
        }
        AfterEach { if ($o) { $o.Dispose() } }

        It 'lists every slot of an array map with decoded values' {
            $entries = @($o.Maps.results | Get-BpfMapEntry)
            $entries.Count | Should -Be 4
            $entries[0].Key | Should -Be 0
            $entries[0].Value | Should -Be 0
        }

        It 'reports a missing key as BpfMapKeyNotFound' {
            { Get-BpfMapEntry $o.Maps.results -Key 99 -ErrorAction Stop } | Should -Throw -ErrorId 'BpfMapKeyNotFound,PSBpf.Commands.GetBpfMapEntryCommand'
        }

        It 'produces clean JSON' {
            ($o.Maps.results | Get-BpfMapEntry | Select-Object Key, Value | ConvertTo-Json -Compress) | Should -Match '"Key":0,"Value":0'
        }

        It 'serialises entries as Key and Value only: JSON, CSV and Clixml carry no map reference' {
            $entry = Get-BpfMapEntry $o.Maps.results -Key 1
            ($entry | ConvertTo-Json -Compress) | Should -Be '{"Key":1,"Value":0}'
            @($entry.PSObject.Properties.Name) | Should -Be @('Key', 'Value')
            ($entry | ConvertTo-Csv -NoTypeInformation) | Should -Be @('"Key","Value"', '"1","0"')
            $xml = Join-Path ([IO.Path]::GetTempPath()) "psbpf-entry-$PID.xml"
            try {
                $entry | Export-Clixml -LiteralPath $xml
                $back = Import-Clixml -LiteralPath $xml
                @($back.PSObject.Properties.Name) | Should -Be @('Key', 'Value')
                Get-Content -Raw -LiteralPath $xml | Should -Not -Match 'Btf|N="Map'   # no Map, MapName or BTF member
            }
            finally { Remove-Item -LiteralPath $xml -ErrorAction SilentlyContinue }
        }
    }

    Context 'on per-CPU maps' -Tag Root {
        BeforeEach {
            if (-not $isRoot) { Set-ItResult -Skipped -Because 'loading BPF objects needs root (CAP_BPF)' }
            $o = Import-BpfObject (Join-Path $fixtures 'maps_more.bpf.o') | Invoke-BpfLoad
        }
        AfterEach { if ($o) { $o.Dispose() } }

        It 'gives the value of every possible CPU as Value, and entries pipe back into Remove-BpfMapEntry' {
            $cpus = [int](((Get-Content /sys/devices/system/cpu/possible) -split '-')[-1]) + 1
            Set-BpfMapEntry $o.Maps.pcpu_hash -Key 1 -Value 7
            $entry = Get-BpfMapEntry $o.Maps.pcpu_hash -Key 1
            $entry.Value | Should -Be (@(7) * $cpus)
            ($entry | ConvertTo-Json -Compress) | Should -Be ('{"Key":1,"Value":[' + ((@('7') * $cpus) -join ',') + ']}')
            $o.Maps.pcpu_hash | Get-BpfMapEntry | Remove-BpfMapEntry
            @($o.Maps.pcpu_hash | Get-BpfMapEntry) | Should -BeNullOrEmpty
        }
    }

    Context 'on maps in the kernel' -Tag Root {
        BeforeEach {
            if (-not $isRoot) { Set-ItResult -Skipped -Because 'loading BPF objects needs root (CAP_BPF)' }
            $pinRoot = Join-Path '/sys/fs/bpf' ("psbpf-pester-maps-" + [guid]::NewGuid().ToString('N').Substring(0, 8))
            New-Item -ItemType Directory -Path $pinRoot | Out-Null
            $o = Import-BpfObject (Join-Path $fixtures 'maps.bpf.o') | Invoke-BpfLoad -PinPath $pinRoot
            Set-BpfMapEntry $o.Maps.pinned_counts -Key 1 -Value 11
            Set-BpfMapEntry $o.Maps.routes -Key @{ prefixlen = 24; addr = 10 } -Value 7
        }
        AfterEach {
            if ($o) { $o.Unpin(); $o.Dispose() }
            if ($pinRoot) { Remove-Item -LiteralPath $pinRoot -Recurse -Force -ErrorAction SilentlyContinue }
        }

        It 'reads a map from Get-BpfMap through the pipeline like the object map' {
            $id = $o.Maps.routes.Id
            $kernel = Get-BpfMap -Id $id | Get-BpfMapEntry
            $object = $o.Maps.routes | Get-BpfMapEntry
            ($kernel | Select-Object Key, Value | ConvertTo-Json -Depth 5 -Compress) | Should -Be ($object | Select-Object Key, Value | ConvertTo-Json -Depth 5 -Compress)
            $kernel.Key.prefixlen | Should -Be 24
        }

        It 'reads by -Id and by -PinnedPath' {
            (Get-BpfMapEntry -Id $o.Maps.pinned_counts.Id -Key 1).Value | Should -Be 11
            (Get-BpfMapEntry -PinnedPath (Join-Path $pinRoot 'pinned_counts') -Key 1).Value | Should -Be 11
        }

        It 'reports an id no map has as BpfKernelObjectNotFound' {
            { Get-BpfMapEntry -Id ([uint32]::MaxValue) -ErrorAction Stop } | Should -Throw -ErrorId 'BpfKernelObjectNotFound,PSBpf.Commands.GetBpfMapEntryCommand'
        }

        It 'peeks at a queue and drains it with -Pop' {
            1..3 | ForEach-Object { Set-BpfMapEntry $o.Maps.fifo -Value $_ }
            $head = Get-BpfMapEntry $o.Maps.fifo
            $head.Key | Should -BeNullOrEmpty
            $head.Value | Should -Be 1
            (Get-BpfMapEntry $o.Maps.fifo -Pop -WhatIf) | Should -BeNullOrEmpty
            (Get-BpfMapEntry $o.Maps.fifo -Pop -Confirm:$false).Value | Should -Be @(1, 2, 3)
            Get-BpfMapEntry $o.Maps.fifo | Should -BeNullOrEmpty
        }

        It 'refuses -Pop on a hash map as BpfMapWrongType' {
            { Get-BpfMapEntry $o.Maps.pinned_counts -Pop -Confirm:$false -ErrorAction Stop } | Should -Throw -ErrorId 'BpfMapWrongType,PSBpf.Commands.GetBpfMapEntryCommand'
        }
    }

    Context 'on a map without BTF, typed from C declarations' -Tag Root {
        BeforeAll {
            $script:pin = "/sys/fs/bpf/cheader-get-$PID"
            $script:types = @'
#define COMM_LEN 16
struct proc_key { __u32 pid; __u32 cpu; };
struct proc_stat { __u64 count; char comm[COMM_LEN]; __u32 flags; __u8 kind; };
'@
            if ($isRoot) {
                # created by bpftool without BTF: its keys and values are only bytes until typed
                bpftool map create $pin type hash key 8 value 32 entries 16 name cheader_nobtf
                # key {pid 4242, cpu 3}; value {count 7, comm "bash", flags 0x10, kind 2}
                $value = @('07', '00', '00', '00', '00', '00', '00', '00', '62', '61', '73', '68') + @('00') * 12 + @('10', '00', '00', '00', '02', '00', '00', '00')
                bpftool map update pinned $pin key hex 92 10 00 00 03 00 00 00 value hex @value
            }
        }
        AfterAll { if ($isRoot) { Remove-Item -LiteralPath $pin -ErrorAction Ignore } }
        BeforeEach { if (-not $isRoot) { Set-ItResult -Skipped -Because 'creating BPF maps needs root (CAP_BPF)' } }

        It 'decodes what bpftool wrote through -KeyType and -ValueType' {
            (bpftool -j map show pinned $pin | ConvertFrom-Json).PSObject.Properties.Name | Should -Not -Contain 'btf_id' -Because 'the map has no BTF'
            $plain = Get-BpfMapEntry -PinnedPath $pin
            $plain.Value -is [byte[]] | Should -BeTrue
            $plain.Value.Length | Should -Be 32
            $e = Get-BpfMapEntry -PinnedPath $pin -TypeDefinition $types -KeyType proc_key -ValueType 'struct proc_stat'
            $e.Key.pid | Should -Be 4242
            $e.Key.cpu | Should -Be 3
            $e.Value.count | Should -Be 7
            $e.Value.comm | Should -Be 'bash'
            $e.Value.flags | Should -Be 16
            $e.Value.kind | Should -Be 2
            (Get-BpfMapEntry -PinnedPath $pin -TypeDefinition $types -KeyType proc_key -ValueType proc_stat -Key @{ pid = 4242; cpu = 3 }).Value.comm | Should -Be 'bash'
        }

        It 'writes typed entries that bpftool reads back byte for byte, and removes them by typed key' {
            Set-BpfMapEntry -PinnedPath $pin -TypeDefinition $types -KeyType proc_key -ValueType proc_stat -Key @{ pid = 1; cpu = 0 } -Value @{ count = 258; comm = 'sh'; flags = 1; kind = 9 }
            $dump = bpftool -j map lookup pinned $pin key hex 01 00 00 00 00 00 00 00 | ConvertFrom-Json
            $bytes = [byte[]]@($dump.value | ForEach-Object { [Convert]::ToByte($_, 16) })
            [BitConverter]::ToUInt64($bytes, 0) | Should -Be 258
            [Text.Encoding]::ASCII.GetString($bytes, 8, 2) | Should -Be 'sh'
            $bytes[10] | Should -Be 0
            [BitConverter]::ToUInt32($bytes, 24) | Should -Be 1
            $bytes[28] | Should -Be 9
            Remove-BpfMapEntry -PinnedPath $pin -TypeDefinition $types -KeyType proc_key -Key @{ pid = 1; cpu = 0 } -Confirm:$false
            $left = @(bpftool -j map dump pinned $pin | ConvertFrom-Json)
            $left.Count | Should -Be 1 -Because 'only the entry bpftool wrote is left'
            $left[0].key[0] | Should -Be '0x92'
        }

        It 'refuses a type whose size is not the map''s, and -KeyType without declarations' {
            { Get-BpfMapEntry -PinnedPath $pin -TypeDefinition 'struct small { __u32 pid; };' -KeyType small -ErrorAction Stop } |
                Should -Throw -ErrorId 'BpfValueInvalid,PSBpf.Commands.GetBpfMapEntryCommand'
            { Get-BpfMapEntry -PinnedPath $pin -KeyType proc_key -ErrorAction Stop } |
                Should -Throw -ErrorId 'BpfTypeNotFound,PSBpf.Commands.GetBpfMapEntryCommand'
        }
    }
}
