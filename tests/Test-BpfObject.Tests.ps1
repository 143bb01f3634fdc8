#Requires -Version 7.6
#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0.0' }
<#
    Pester 5 suite for Test-BpfObject. Verifying loads programs into the kernel, which needs root; those tests are tagged
    Root and skip with that reason otherwise. Uses verify_mixed (two accepted programs, one refused), bad_verifier and
    minimal from tests/fixtures/build.
#>

BeforeAll {
    . (Join-Path $PSScriptRoot 'PSBpf.TestSetup.ps1')
}

Describe 'Test-BpfObject' {
    It 'is exported with help' {
        Get-Command Test-BpfObject -Module PSBpf | Should -Not -BeNullOrEmpty
        (Get-Help Test-BpfObject -Full).Synopsis | Should -Match 'verifier'
    }

    It 'reports a missing file as BpfObjectNotFound' {
        { Test-BpfObject -Path (Join-Path $fixtures 'missing.bpf.o') -ErrorAction Stop } | Should -Throw -ErrorId 'BpfObjectNotFound,PSBpf.Commands.TestBpfObjectCommand'
    }

    It 'reports a directory as BpfPathIsDirectory' {
        { Test-BpfObject -LiteralPath $fixtures -ErrorAction Stop } | Should -Throw -ErrorId 'BpfPathIsDirectory,PSBpf.Commands.TestBpfObjectCommand'
    }

    Context 'as root' -Tag Root {
        BeforeEach {
            if (-not $isRoot) { Set-ItResult -Skipped -Because 'verification loads programs, which needs root (CAP_BPF, CAP_PERFMON)' }
        }

        It 'reports every program, the refused one with its log, and leaves nothing loaded' {
            $r = @(Join-Path $fixtures 'verify_mixed.bpf.o' | Test-BpfObject)   # a path string binds -Path by value
            $r.Program | Should -Be @('good_first', 'refused_middle', 'good_last')
            $r.Verdict | Should -Be @('success', 'failure', 'success')
            $r[0] | Should -BeOfType ([PSBpf.Engine.BpfProgramVerification])
            $r[0].InstructionsProcessed | Should -BeGreaterThan 0
            $r[0].StackDepth | Should -BeGreaterOrEqual 32
            $r[1].Error | Should -Match 'map_value_or_null'
            $r[1].VerifierLog | Should -Match 'processed \d+ insns'
            (Get-BpfProgram -Name good_first, good_last -ErrorAction SilentlyContinue | Where-Object Tag -ne $null) | Should -BeNullOrEmpty
        }

        It 'takes an imported object from the pipeline and leaves it loadable' {
            $o = Import-BpfObject (Join-Path $fixtures 'minimal.bpf.o')
            try {
                $o.Globals.my_pid = $PID
                $r = $o | Test-BpfObject -Program handle_*
                $r.Program | Should -Be 'handle_tp'
                $r.Accepted | Should -BeTrue
                $o.IsLoaded | Should -BeFalse
                $o | Invoke-BpfLoad | Out-Null
                $o.Programs.handle_tp.Id | Should -Not -BeNullOrEmpty
            }
            finally { $o.Dispose() }
        }

        It 'reports an unknown -Program as BpfProgramNotFound' {
            { Test-BpfObject -Path (Join-Path $fixtures 'minimal.bpf.o') -Program nope -ErrorAction Stop } | Should -Throw -ErrorId 'BpfProgramNotFound,PSBpf.Commands.TestBpfObjectCommand'
        }

        It 'refuses a loaded object as BpfObjectAlreadyLoaded' {
            $o = Import-BpfObject (Join-Path $fixtures 'minimal.bpf.o') | Invoke-BpfLoad
            try {
                { $o | Test-BpfObject -ErrorAction Stop } | Should -Throw -ErrorId 'BpfObjectAlreadyLoaded,PSBpf.Commands.TestBpfObjectCommand'
            }
            finally { $o.Dispose() }
        }

        It 'shows a veristat-like table' {
            $text = Test-BpfObject -Path (Join-Path $fixtures 'bad_verifier.bpf.o') | Format-Table | Out-String
            $text | Should -Match 'Verdict'
            $text | Should -Match 'failure'
        }
    }
}
