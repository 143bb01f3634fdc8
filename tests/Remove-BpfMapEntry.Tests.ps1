#Requires -Version 7.4
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
}
