#Requires -Version 7.6
#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0.0' }
<#
    Pester 5 suite for Get-BpfProgram. Listing kernel objects needs root; those tests are tagged Root and skip with that
    reason otherwise. Uses the fixtures from tests/fixtures/build (built by the xunit build or `make -C tests/fixtures`).
#>

BeforeAll {
    . (Join-Path $PSScriptRoot 'PSBpf.TestSetup.ps1')
}

Describe 'Get-BpfProgram' {
    It 'is exported with help' {
        Get-Command Get-BpfProgram -Module PSBpf | Should -Not -BeNullOrEmpty
        (Get-Help Get-BpfProgram -Full).Synopsis | Should -Match 'bpftool'
    }

    It 'lists the programs of an object piped from Import-BpfObject without loading it' {
        $programs = Import-BpfObject (Join-Path $fixtures 'calls.bpf.o') | Get-BpfProgram
        $programs | Should -Not -BeNullOrEmpty
        $programs | ForEach-Object { $_ | Should -BeOfType ([PSBpf.Engine.BpfProgram]) }
        @($programs | Where-Object { $null -ne $_.Id }) | Should -BeNullOrEmpty   # not loaded: no kernel id yet
    }

    It 'filters an object''s programs by -Type and wildcard -Name' {
        $o = Import-BpfObject (Join-Path $fixtures 'minimal.bpf.o')
        ($o | Get-BpfProgram -Name 'handle_*').Name | Should -Be 'handle_tp'
        $o | Get-BpfProgram -Type xdp | Should -BeNullOrEmpty
    }

    It 'reports a literal -Name that matches nothing as BpfKernelObjectNotFound' {
        $o = Import-BpfObject (Join-Path $fixtures 'minimal.bpf.o')
        { $o | Get-BpfProgram -Name 'nope' -ErrorAction Stop } | Should -Throw -ErrorId 'BpfKernelObjectNotFound,PSBpf.Commands.GetBpfProgramCommand'
    }

    Context 'as root' -Tag Root {
        BeforeEach {
            if (-not $isRoot) { Set-ItResult -Skipped -Because 'listing kernel programs needs root (CAP_SYS_ADMIN)' }
        }

        It 'finds a loaded program by id, by name and by type, with bpftool''s type names' {
            $o = Import-BpfObject (Join-Path $fixtures 'minimal.bpf.o') | Invoke-BpfLoad
            try {
                $id = $o.Programs.handle_tp.Id
                $p = Get-BpfProgram -Id $id
                $p | Should -BeOfType ([PSBpf.Engine.BpfProgramInfo])
                $p.Name | Should -Be 'handle_tp'
                $p.Tag | Should -Be $o.Programs.handle_tp.Tag
                "$($p.Type)" | Should -Be 'tracepoint'
                (Get-BpfProgram | Where-Object Type -eq tracepoint).Id | Should -Contain $id
                (Get-BpfProgram -Name 'handle_t*' -Type tracepoint).Id | Should -Contain $id
                $p.Pids.Pid | Should -Contain $PID
            }
            finally { $o.Dispose() }
        }

        It 'reports an unknown id as BpfKernelObjectNotFound' {
            { Get-BpfProgram -Id ([uint32]::MaxValue) -ErrorAction Stop } | Should -Throw -ErrorId 'BpfKernelObjectNotFound,PSBpf.Commands.GetBpfProgramCommand'
        }

        It 'converts to JSON (plain data)' {
            { Get-BpfProgram | Select-Object -First 1 | ConvertTo-Json -Depth 3 } | Should -Not -Throw
        }
    }
}
