#Requires -Version 7.6
#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0.0' }
<#
    Pester 5 suite for Invoke-BpfLoad. Loading needs root; the tests that load are tagged Root and skip with that
    reason otherwise. Uses the fixtures from tests/fixtures/build (built by the xunit build or `make -C tests/fixtures`).
#>

BeforeAll {
    . (Join-Path $PSScriptRoot 'PSBpf.TestSetup.ps1')
}

Describe 'Invoke-BpfLoad' {
    It 'is exported with help' {
        Get-Command Invoke-BpfLoad -Module PSBpf | Should -Not -BeNullOrEmpty
        (Get-Help Invoke-BpfLoad -Full).Synopsis | Should -Match 'kernel'
    }

    It 'loads nothing with -WhatIf' {
        $o = Import-BpfObject (Join-Path $fixtures 'minimal.bpf.o')
        $o | Invoke-BpfLoad -WhatIf
        $o.IsLoaded | Should -BeFalse
    }

    Context 'as root' -Tag Root {
        BeforeEach {
            if (-not $isRoot) { Set-ItResult -Skipped -Because 'loading BPF programs needs root (CAP_BPF)' }
        }

        It 'loads and shows ids and tags' {
            $o = Import-BpfObject (Join-Path $fixtures 'minimal.bpf.o') | Invoke-BpfLoad
            try {
                $o.IsLoaded | Should -BeTrue
                $o.Programs.handle_tp.Tag | Should -Match '^[0-9a-f]{16}$'
                $o.Programs.handle_tp.Id | Should -BeGreaterThan 0
            }
            finally { $o.Dispose() }
        }

        It 'carries globals set before load into the kernel map' {
            $o = Import-BpfObject (Join-Path $fixtures 'minimal.bpf.o')
            $o.Globals.my_pid = $PID
            $o = $o | Invoke-BpfLoad
            try { $o.Globals.my_pid | Should -Be $PID }
            finally { $o.Dispose() }
        }

        It 'reports verifier rejections as BpfVerifierRejected with the log' {
            $o = Import-BpfObject (Join-Path $fixtures 'bad_verifier.bpf.o')
            { $o | Invoke-BpfLoad -ErrorAction Stop } | Should -Throw -ErrorId 'BpfVerifierRejected,PSBpf.Commands.InvokeBpfLoadCommand'
            $Error[0].Exception.VerifierLog | Should -Match 'map_value_or_null'
            $o.IsLoaded | Should -BeFalse
        }

        It 'refuses a second load as BpfObjectAlreadyLoaded' {
            $o = Import-BpfObject (Join-Path $fixtures 'minimal.bpf.o') | Invoke-BpfLoad
            try {
                { $o | Invoke-BpfLoad -ErrorAction Stop } | Should -Throw -ErrorId 'BpfObjectAlreadyLoaded,PSBpf.Commands.InvokeBpfLoadCommand'
            }
            finally { $o.Dispose() }
        }

        It 'rejects a pin directory that is not on bpffs as BpfLoadFailed' {
            $o = Import-BpfObject (Join-Path $fixtures 'pinned.bpf.o')
            { $o | Invoke-BpfLoad -PinPath ([IO.Path]::GetTempPath()) -ErrorAction Stop } | Should -Throw -ErrorId 'BpfLoadFailed,PSBpf.Commands.InvokeBpfLoadCommand'
        }

        It 'loads a freplace program against -TargetProgram, or names the missing trampolines' {
            $t = Import-BpfObject (Join-Path $fixtures 'freplace_target.bpf.o') | Invoke-BpfLoad
            $frame = [byte[]](@(2, 0, 0, 0, 0, 0xbb, 2, 0, 0, 0, 0, 0xaa, 8, 0) + @(0) * 50)
            try {
                { Import-BpfObject (Join-Path $fixtures 'freplace.bpf.o') | Invoke-BpfLoad -ErrorAction Stop } |
                    Should -Throw -ErrorId 'BpfLoadFailed,PSBpf.Commands.InvokeBpfLoadCommand' -ExpectedMessage '*need a target program*'
                { Import-BpfObject (Join-Path $fixtures 'freplace.bpf.o') | Invoke-BpfLoad -TargetProgram 'xdp_decide' -ErrorAction Stop } |
                    Should -Throw -ErrorId 'BpfValueInvalid,PSBpf.Commands.InvokeBpfLoadCommand'
                $o = Import-BpfObject (Join-Path $fixtures 'freplace.bpf.o')
                try {
                    # a program from Get-BpfProgram does as well as $t.Programs.xdp_decide or its id
                    $o | Invoke-BpfLoad -TargetProgram (Get-BpfProgram -Id $t.Programs.xdp_decide.Id) -ErrorAction Stop | Out-Null
                    $o.Programs.drop_all.AttachProgramId | Should -Be $t.Programs.xdp_decide.Id
                    $link = $o | Add-BpfAttachment
                    (Invoke-BpfProgram -Program $t.Programs.xdp_decide -Data $frame).Action | Should -Be 'XDP_DROP'
                    $link | Remove-BpfAttachment -Confirm:$false
                    (Invoke-BpfProgram -Program $t.Programs.xdp_decide -Data $frame).Action | Should -Be 'XDP_PASS'
                }
                catch {
                    # kernels without BPF trampolines refuse the load itself, and say so
                    $_.FullyQualifiedErrorId | Should -Be 'BpfPermissionDenied,PSBpf.Commands.InvokeBpfLoadCommand'
                    $_.Exception.Message | Should -Match 'trampoline'
                    $o.Programs.drop_all.AttachProgramId | Should -Be $t.Programs.xdp_decide.Id
                    $o.IsLoaded | Should -BeFalse
                }
                finally { $o.Dispose() }
            }
            finally { $t.Dispose() }
        }
    }
}
