#Requires -Version 7.6
#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0.0' }
<#
    Pester 5 suite for Set-BpfMapEntry. Needs root to load the fixture; those tests are tagged Root and skip with that reason.
#>

BeforeAll {
    . (Join-Path $PSScriptRoot 'PSBpf.TestSetup.ps1')
}

Describe 'Set-BpfMapEntry' {
    It 'is exported with help' {
        Get-Command Set-BpfMapEntry -Module PSBpf | Should -Not -BeNullOrEmpty
        (Get-Help Set-BpfMapEntry -Full).Synopsis | Should -Not -BeNullOrEmpty
    }

    Context 'on a loaded map' -Tag Root {
        BeforeEach {
            if (-not $isRoot) { Set-ItResult -Skipped -Because 'loading BPF objects needs root (CAP_BPF)' }
            $o = Import-BpfObject (Join-Path $fixtures 'calls.bpf.o') | Invoke-BpfLoad
        }
        AfterEach { if ($o) { $o.Dispose() } }

        It 'stores a value that Get-BpfMapEntry reads back' {
            Set-BpfMapEntry $o.Maps.results -Key 2 -Value 77
            (Get-BpfMapEntry $o.Maps.results -Key 2).Value | Should -Be 77
        }

        It 'rejects a value that does not fit as BpfValueInvalid' {
            { Set-BpfMapEntry $o.Maps.results -Key 2 -Value -1 -ErrorAction Stop } | Should -Throw -ErrorId 'BpfValueInvalid,PSBpf.Commands.SetBpfMapEntryCommand'
        }

        It 'changes nothing with -WhatIf' {
            Set-BpfMapEntry $o.Maps.results -Key 1 -Value 5 -WhatIf
            (Get-BpfMapEntry $o.Maps.results -Key 1).Value | Should -Be 0
        }
    }

    Context 'on maps in the kernel and queues' -Tag Root {
        BeforeEach {
            if (-not $isRoot) { Set-ItResult -Skipped -Because 'loading BPF objects needs root (CAP_BPF)' }
            $pinRoot = Join-Path '/sys/fs/bpf' ("psbpf-pester-maps-" + [guid]::NewGuid().ToString('N').Substring(0, 8))
            New-Item -ItemType Directory -Path $pinRoot | Out-Null
            $o = Import-BpfObject (Join-Path $fixtures 'maps.bpf.o') | Invoke-BpfLoad -PinPath $pinRoot
        }
        AfterEach {
            if ($o) { $o.Unpin(); $o.Dispose() }
            if ($pinRoot) { Remove-Item -LiteralPath $pinRoot -Recurse -Force -ErrorAction SilentlyContinue }
        }

        It 'writes by -Id and by -PinnedPath into the object map' {
            Set-BpfMapEntry -Id $o.Maps.pinned_counts.Id -Key 1 -Value 10
            Set-BpfMapEntry -PinnedPath (Join-Path $pinRoot 'pinned_counts') -Key 2 -Value 20
            (Get-BpfMapEntry $o.Maps.pinned_counts -Key 1).Value | Should -Be 10
            (Get-BpfMapEntry $o.Maps.pinned_counts -Key 2).Value | Should -Be 20
        }

        It 'writes entries of a kernel map back after the reading command closed it' {
            Set-BpfMapEntry $o.Maps.pinned_counts -Key 3 -Value 1
            $entries = @(Get-BpfMapEntry -Id $o.Maps.pinned_counts.Id)
            $entries | ForEach-Object { $_.Value = 99; $_ } | Set-BpfMapEntry   # an entry names its map, unseen by serializers
            (Get-BpfMapEntry $o.Maps.pinned_counts -Key 3).Value | Should -Be 99
        }

        It 'pushes onto a queue without -Key' {
            Set-BpfMapEntry $o.Maps.fifo -Value 5
            (Get-BpfMapEntry $o.Maps.fifo).Value | Should -Be 5
        }

        It 'encodes keys and values as PowerShell builds them: custom objects, hashtables, wrapped numbers' {
            # an LPM trie keyed by struct ipv4_lpm_key { u32 prefixlen; u32 addr; }
            $wrapped = 24 | ForEach-Object { $_ }                         # a pipeline value: a PSObject around an int
            $wrapped.GetType().Name | Should -Be 'Int32'
            Set-BpfMapEntry $o.Maps.routes -Key ([pscustomobject]@{ prefixlen = $wrapped; addr = 0x0001a8c0 }) -Value ([psobject]7)
            Set-BpfMapEntry $o.Maps.routes -Key @{ addr = 0x0000000a; prefixlen = 8 } -Value 8   # member order is the struct's, not the hashtable's
            $entries = Get-BpfMapEntry $o.Maps.routes | Sort-Object { $_.Key.prefixlen }
            $entries.Count | Should -Be 2
            $entries[0].Key.prefixlen | Should -Be 8
            $entries[0].Key.addr | Should -Be 0x0000000a
            $entries[0].Value | Should -Be 8
            $entries[1].Key.addr | Should -Be 0x0001a8c0
            $entries[1].Value | Should -Be 7
            # a key read back (an ordered PSObject) is a key to write with
            Set-BpfMapEntry $o.Maps.routes -Key $entries[1].Key -Value 70
            (Get-BpfMapEntry $o.Maps.routes -Key $entries[1].Key).Value | Should -Be 70
        }

        It 'rejects a value that contains itself as BpfValueInvalid' {
            $list = [System.Collections.ArrayList]::new()
            $null = $list.Add($list)
            { Set-BpfMapEntry $o.Maps.routes -Key @{ prefixlen = 8; addr = 1 } -Value $list -ErrorAction Stop } |
                Should -Throw -ErrorId 'BpfValueInvalid,PSBpf.Commands.SetBpfMapEntryCommand'
        }

        It 'asks for -Key on a hash map as BpfMapKeyRequired' {
            { Set-BpfMapEntry $o.Maps.pinned_counts -Value 1 -ErrorAction Stop } | Should -Throw -ErrorId 'BpfMapKeyRequired,PSBpf.Commands.SetBpfMapEntryCommand'
        }
    }
}
