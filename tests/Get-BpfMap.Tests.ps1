#Requires -Version 7.6
#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0.0' }
<#
    Pester 5 suite for Get-BpfMap. Listing kernel objects needs root; those tests are tagged Root and skip with that
    reason otherwise. Uses the fixtures from tests/fixtures/build (built by the xunit build or `make -C tests/fixtures`).
#>

BeforeAll {
    . (Join-Path $PSScriptRoot 'PSBpf.TestSetup.ps1')
}

Describe 'Get-BpfMap' {
    It 'is exported with help' {
        Get-Command Get-BpfMap -Module PSBpf | Should -Not -BeNullOrEmpty
        (Get-Help Get-BpfMap -Full).Synopsis | Should -Match 'bpftool'
    }

    It 'lists the maps of an object piped from Import-BpfObject' {
        $maps = Import-BpfObject (Join-Path $fixtures 'calls.bpf.o') | Get-BpfMap -Name 'res*'
        $maps.Name | Should -Be 'results'
        $maps | Should -BeOfType ([PSBpf.Engine.BpfMap])
    }

    Context 'as root' -Tag Root {
        BeforeEach {
            if (-not $isRoot) { Set-ItResult -Skipped -Because 'listing kernel maps needs root (CAP_SYS_ADMIN)' }
        }

        It 'finds a loaded map by id with bpftool''s type names and sizes' {
            $o = Import-BpfObject (Join-Path $fixtures 'calls.bpf.o') | Invoke-BpfLoad
            try {
                $m = Get-BpfMap -Id $o.Maps.results.Id
                $m | Should -BeOfType ([PSBpf.Engine.BpfMapInfo])
                "$($m.Type)" | Should -Be 'array'
                $m.KeySize | Should -Be 4
                $m.ValueSize | Should -Be 8
                $m.MaxEntries | Should -Be 4
                (Get-BpfMap -Type array | Where-Object Name -eq 'results').Id | Should -Contain $m.Id
            }
            finally { $o.Dispose() }
        }

        It 'reports an unknown id as BpfKernelObjectNotFound' {
            { Get-BpfMap -Id ([uint32]::MaxValue) -ErrorAction Stop } | Should -Throw -ErrorId 'BpfKernelObjectNotFound,PSBpf.Commands.GetBpfMapCommand'
        }
    }
}
