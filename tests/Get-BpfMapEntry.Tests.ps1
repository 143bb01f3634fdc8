#Requires -Version 7.4
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
    }
}
