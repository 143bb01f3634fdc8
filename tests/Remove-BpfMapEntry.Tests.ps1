#Requires -Version 7.6
#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0.0' }
<#
    Pester 5 suite for Remove-BpfMapEntry. Needs root to load the fixture; those tests are tagged Root and skip with that reason.
#>

BeforeAll {
    . (Join-Path $PSScriptRoot 'PSBpf.TestSetup.ps1')
}

Describe 'Remove-BpfMapEntry' {
    It 'is exported with help' {
        Get-Command Remove-BpfMapEntry -Module PSBpf | Should -Not -BeNullOrEmpty
        (Get-Help Remove-BpfMapEntry -Full).Synopsis | Should -Not -BeNullOrEmpty
    }

    Context 'on a loaded map' -Tag Root {
        BeforeEach {
            if (-not $isRoot) { Set-ItResult -Skipped -Because 'loading BPF objects needs root (CAP_BPF)' }
            $o = Import-BpfObject (Join-Path $fixtures 'calls.bpf.o') | Invoke-BpfLoad
        }
        AfterEach { if ($o) { $o.Dispose() } }

        It 'cannot delete from an array map and says so' {
            { Remove-BpfMapEntry $o.Maps.results -Key 1 -ErrorAction Stop } | Should -Throw -ErrorId 'BpfMapOperationFailed,PSBpf.Commands.RemoveBpfMapEntryCommand'
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

        It 'deletes by -Id and by -PinnedPath' {
            1..2 | ForEach-Object { Set-BpfMapEntry $o.Maps.pinned_counts -Key $_ -Value $_ }
            Remove-BpfMapEntry -Id $o.Maps.pinned_counts.Id -Key 1 -Confirm:$false
            Remove-BpfMapEntry -PinnedPath (Join-Path $pinRoot 'pinned_counts') -Key 2 -Confirm:$false
            Get-BpfMapEntry $o.Maps.pinned_counts | Should -BeNullOrEmpty
        }

        It 'pops one value off a queue without -Key' {
            1..2 | ForEach-Object { Set-BpfMapEntry $o.Maps.fifo -Value $_ }
            Remove-BpfMapEntry $o.Maps.fifo -Confirm:$false
            (Get-BpfMapEntry $o.Maps.fifo).Value | Should -Be 2
        }

        It 'asks for -Key on a hash map as BpfMapKeyRequired' {
            { Remove-BpfMapEntry $o.Maps.pinned_counts -Confirm:$false -ErrorAction Stop } | Should -Throw -ErrorId 'BpfMapKeyRequired,PSBpf.Commands.RemoveBpfMapEntryCommand'
        }
    }
}
