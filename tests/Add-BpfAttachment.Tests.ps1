#Requires -Version 7.4
#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0.0' }
<#
    Pester 5 suite for Add-BpfAttachment. Attaching needs root; those tests are tagged Root and skip otherwise.
#>

BeforeAll {
    . (Join-Path $PSScriptRoot 'PSBpf.TestSetup.ps1')
}

Describe 'Add-BpfAttachment' {
    It 'is exported with help' {
        Get-Command Add-BpfAttachment -Module PSBpf | Should -Not -BeNullOrEmpty
        (Get-Help Add-BpfAttachment -Full).Synopsis | Should -Match 'Attach'
    }

    Context 'as root' -Tag Root {
        BeforeEach {
            if (-not $isRoot) { Set-ItResult -Skipped -Because 'loading and attaching BPF programs needs root (CAP_BPF)' }
        }

        It 'auto-attaches from the pipeline and the links show in Get-BpfLink' {
            $o = Import-BpfObject (Join-Path $fixtures 'minimal.bpf.o') | Invoke-BpfLoad
            try {
                $links = @($o | Add-BpfAttachment)
                $links.Count | Should -Be 1
                $links[0].Kind | Should -Be 'tracepoint'
                $links[0].IsAttached | Should -BeTrue
                (Get-BpfLink -Id $links[0].Id).ProgramId | Should -Be $o.Programs.handle_tp.Id
            }
            finally { $o.Dispose() }
        }

        It 'attaches nothing with -WhatIf' {
            $o = Import-BpfObject (Join-Path $fixtures 'minimal.bpf.o') | Invoke-BpfLoad
            try {
                $o | Add-BpfAttachment -WhatIf | Should -BeNullOrEmpty
                $o.Programs.handle_tp.GetLinks().Count | Should -Be 0
            }
            finally { $o.Dispose() }
        }

        It 'warns about programs that need a target' {
            $o = Import-BpfObject (Join-Path $fixtures 'xdp.bpf.o') | Invoke-BpfLoad
            try {
                $o | Add-BpfAttachment -WarningVariable w -WarningAction SilentlyContinue | Should -BeNullOrEmpty
                "$w" | Should -Match 'xdp_count'
            }
            finally { $o.Dispose() }
        }

        It 'reports a missing target for one program as BpfAttachTargetRequired' {
            $o = Import-BpfObject (Join-Path $fixtures 'xdp.bpf.o') | Invoke-BpfLoad
            try {
                { $o.Programs.xdp_count | Add-BpfAttachment -ErrorAction Stop } |
                    Should -Throw -ErrorId 'BpfAttachTargetRequired,PSBpf.Commands.AddBpfAttachmentCommand'
            }
            finally { $o.Dispose() }
        }

        It 'reports an unknown interface as BpfAttachFailed' {
            $o = Import-BpfObject (Join-Path $fixtures 'xdp.bpf.o') | Invoke-BpfLoad
            try {
                { $o.Programs.xdp_count | Add-BpfAttachment -Interface 'psbpf-nope0' -ErrorAction Stop } |
                    Should -Throw -ErrorId 'BpfAttachFailed,PSBpf.Commands.AddBpfAttachmentCommand'
            }
            finally { $o.Dispose() }
        }

        It 'attaches a uprobe to a binary and function' {
            $o = Import-BpfObject (Join-Path $fixtures 'uprobe.bpf.o')
            $o.Programs | ForEach-Object { $_.AutoLoad = $_.Name -eq 'trigger_entry' }
            $o = $o | Invoke-BpfLoad
            try {
                $target = Join-Path $fixtures 'uprobe_target'
                $link = $o.Programs.trigger_entry | Add-BpfAttachment -BinaryPath $target -Symbol psbpf_uprobe_trigger
                $link.Kind | Should -Be 'uprobe'
                & $target 3 | Out-Null
                $o.Globals.entry_calls | Should -Be 3
            }
            finally { $o.Dispose() }
        }

        It 'pins the new link with -PinPath; a used path is BpfPinExists' {
            $dir = "/sys/fs/bpf/psbpf-pester-$([guid]::NewGuid().ToString('N').Substring(0, 12))"
            New-Item -ItemType Directory -Path $dir | Out-Null
            $o = Import-BpfObject (Join-Path $fixtures 'minimal.bpf.o') | Invoke-BpfLoad
            try {
                $pin = Join-Path $dir 'handle_tp'
                $link = $o.Programs.handle_tp | Add-BpfAttachment -PinPath $pin
                $link.PinPath | Should -Be $pin
                (Get-BpfLink -PinnedPath $pin).Id | Should -Be $link.Id
                { $o.Programs.handle_tp | Add-BpfAttachment -PinPath $pin -ErrorAction Stop } |
                    Should -Throw -ErrorId 'BpfPinExists,PSBpf.Commands.AddBpfAttachmentCommand'
                $o.Programs.handle_tp.GetLinks().Count | Should -Be 1
                { $o.Programs.handle_tp | Add-BpfAttachment -PinPath '/tmp/psbpf-not-bpffs' -ErrorAction Stop } |
                    Should -Throw -ErrorId 'BpfPinPathInvalid,PSBpf.Commands.AddBpfAttachmentCommand'
            }
            finally { $o | Remove-BpfObject -Unpin; Remove-Item -Recurse -Force $dir }
        }
    }
}
