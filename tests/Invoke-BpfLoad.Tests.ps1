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
        BeforeAll {
            $freplaceFrame = [byte[]](@(2, 0, 0, 0, 0, 0xbb, 2, 0, 0, 0, 0, 0xaa, 8, 0) + @(0) * 50)
            # libbpf (the oracle), not PSBpf, says whether this kernel has trampolines: EPERM as root for fentry means none
            $trampolines = if ($isRoot) {
                $probe = & (Join-Path $fixtures 'oracle') load (Join-Path $fixtures 'tracing.bpf.o') --only fentry_unlinkat | ConvertFrom-Json
                if ($null -eq $probe.errno) { @{ Present = $true; Finding = 'libbpf loads fentry/do_unlinkat here: the kernel has BPF trampolines' } }
                elseif ($probe.errno -eq 1) { @{ Present = $false; Finding = "libbpf's load of fentry/do_unlinkat fails with EPERM as root ($($probe.error)): no BPF trampolines" } }
                else { throw "libbpf's fentry probe failed for another reason than EPERM: $($probe.error) ($($probe.errno))" }
            }
        }

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

        It 'needs -TargetProgram for a freplace program, and a loaded one' {
            $t = Import-BpfObject (Join-Path $fixtures 'freplace_target.bpf.o') | Invoke-BpfLoad
            try {
                { Import-BpfObject (Join-Path $fixtures 'freplace.bpf.o') | Invoke-BpfLoad -ErrorAction Stop } |
                    Should -Throw -ErrorId 'BpfLoadFailed,PSBpf.Commands.InvokeBpfLoadCommand' -ExpectedMessage '*need a target program*'
                { Import-BpfObject (Join-Path $fixtures 'freplace.bpf.o') | Invoke-BpfLoad -TargetProgram 'xdp_decide' -ErrorAction Stop } |
                    Should -Throw -ErrorId 'BpfValueInvalid,PSBpf.Commands.InvokeBpfLoadCommand'
            }
            finally { $t.Dispose() }
        }

        It 'keeps a target set with SetAttachTarget over -TargetProgram, even before that target is loaded' {
            $unloaded = Import-BpfObject (Join-Path $fixtures 'freplace_target.bpf.o')
            $loaded = Import-BpfObject (Join-Path $fixtures 'freplace_target.bpf.o') | Invoke-BpfLoad
            $o = Import-BpfObject (Join-Path $fixtures 'freplace.bpf.o')
            try {
                $o.Programs.drop_all.SetAttachTarget($unloaded.Programs.xdp_decide)
                $o.Programs.drop_all.HasAttachProgram | Should -BeTrue
                $o.Programs.drop_all.AttachProgramId | Should -BeNullOrEmpty # not loaded yet, so no id
                $err = $null
                try { $o | Invoke-BpfLoad -TargetProgram $loaded.Programs.xdp_decide -WarningVariable w -WarningAction SilentlyContinue -ErrorAction Stop }
                catch { $err = $_ }
                $w | Should -BeLike '*-TargetProgram is unused*'
                $err.FullyQualifiedErrorId | Should -Be 'BpfLoadFailed,PSBpf.Commands.InvokeBpfLoadCommand'
                $err.Exception.Message | Should -BeLike "*target program 'xdp_decide' is not loaded*"
            }
            finally { $o.Dispose(); $loaded.Dispose(); $unloaded.Dispose() }
        }

        It 'loads a freplace program against -TargetProgram where the kernel has BPF trampolines' {
            if (-not $trampolines.Present) { Set-ItResult -Skipped -Because $trampolines.Finding; return }
            $t = Import-BpfObject (Join-Path $fixtures 'freplace_target.bpf.o') | Invoke-BpfLoad
            $o = Import-BpfObject (Join-Path $fixtures 'freplace.bpf.o')
            try {
                # a program from Get-BpfProgram does as well as $t.Programs.xdp_decide or its id
                $o | Invoke-BpfLoad -TargetProgram (Get-BpfProgram -Id $t.Programs.xdp_decide.Id) -ErrorAction Stop | Out-Null
                $o.Programs.drop_all.AttachProgramId | Should -Be $t.Programs.xdp_decide.Id
                $link = $o | Add-BpfAttachment
                (Invoke-BpfProgram -Program $t.Programs.xdp_decide -Data $freplaceFrame).Action | Should -Be 'XDP_DROP'
                $link | Remove-BpfAttachment -Confirm:$false
                (Invoke-BpfProgram -Program $t.Programs.xdp_decide -Data $freplaceFrame).Action | Should -Be 'XDP_PASS'
            }
            finally { $o.Dispose(); $t.Dispose() }
        }

        It 'names the missing BPF trampolines when the kernel refuses a freplace load' {
            if ($trampolines.Present) { Set-ItResult -Skipped -Because $trampolines.Finding; return }
            $t = Import-BpfObject (Join-Path $fixtures 'freplace_target.bpf.o') | Invoke-BpfLoad
            $o = Import-BpfObject (Join-Path $fixtures 'freplace.bpf.o')
            try {
                { $o | Invoke-BpfLoad -TargetProgram (Get-BpfProgram -Id $t.Programs.xdp_decide.Id) -ErrorAction Stop } |
                    Should -Throw -ErrorId 'BpfPermissionDenied,PSBpf.Commands.InvokeBpfLoadCommand' -ExpectedMessage '*need BPF trampoline support*'
                $o.Programs.drop_all.AttachProgramId | Should -Be $t.Programs.xdp_decide.Id # the target resolved; the kernel refused
                $o.IsLoaded | Should -BeFalse
                (Invoke-BpfProgram -Program $t.Programs.xdp_decide -Data $freplaceFrame).Action | Should -Be 'XDP_PASS'
            }
            finally { $o.Dispose(); $t.Dispose() }
        }
    }
}
