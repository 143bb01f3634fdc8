#Requires -Version 7.4
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
}
