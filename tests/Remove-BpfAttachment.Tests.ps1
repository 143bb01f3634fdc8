#Requires -Version 7.6
#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0.0' }
<#
    Pester 5 suite for Remove-BpfAttachment. Attaching needs root; those tests are tagged Root and skip otherwise.
#>

BeforeAll {
    . (Join-Path $PSScriptRoot 'PSBpf.TestSetup.ps1')
}

Describe 'Remove-BpfAttachment' {
    It 'is exported with help' {
        Get-Command Remove-BpfAttachment -Module PSBpf | Should -Not -BeNullOrEmpty
        (Get-Help Remove-BpfAttachment -Full).Synopsis | Should -Match 'Detach'
    }

    Context 'as root' -Tag Root {
        BeforeEach {
            if (-not $isRoot) { Set-ItResult -Skipped -Because 'loading and attaching BPF programs needs root (CAP_BPF)' }
        }

        It 'detaches links piped from Add-BpfAttachment' {
            $o = Import-BpfObject (Join-Path $fixtures 'minimal.bpf.o') | Invoke-BpfLoad
            try {
                $link = $o | Add-BpfAttachment
                $id = $link.Id
                $link | Remove-BpfAttachment
                $link.IsAttached | Should -BeFalse
                Wait-Until { -not (Get-BpfLink -Id $id -ErrorAction SilentlyContinue) } | Should -BeTrue
            }
            finally { $o.Dispose() }
        }

        It 'detaches everything made for an object with -Object' {
            $o = Import-BpfObject (Join-Path $fixtures 'raw_tp.bpf.o') | Invoke-BpfLoad
            try {
                $links = @($o | Add-BpfAttachment)
                $links.Count | Should -Be 2
                Remove-BpfAttachment -Object $o
                $links | ForEach-Object { $_.IsAttached | Should -BeFalse }
                $o.Programs | ForEach-Object { $_.GetLinks().Count | Should -Be 0 }
            }
            finally { $o.Dispose() }
        }

        It 'detaches every link of a program piped from Get-BpfProgram' {
            $o = Import-BpfObject (Join-Path $fixtures 'minimal.bpf.o') | Invoke-BpfLoad
            try {
                $id = ($o | Add-BpfAttachment).Id
                Get-BpfProgram -Id $o.Programs.handle_tp.Id | Remove-BpfAttachment
                Wait-Until { -not (Get-BpfLink -Id $id -ErrorAction SilentlyContinue) } | Should -BeTrue
            }
            finally { $o.Dispose() }
        }

        It 'keeps the link with -WhatIf' {
            $o = Import-BpfObject (Join-Path $fixtures 'minimal.bpf.o') | Invoke-BpfLoad
            try {
                $link = $o | Add-BpfAttachment
                $o.Programs.handle_tp | Remove-BpfAttachment -WhatIf
                $link.IsAttached | Should -BeTrue
            }
            finally { $o.Dispose() }
        }

        It 'removes a pinned link by its pin after its object is gone' {
            $dir = "/sys/fs/bpf/psbpf-pester-$([guid]::NewGuid().ToString('N').Substring(0, 12))"
            New-Item -ItemType Directory -Path $dir | Out-Null
            try {
                $o = Import-BpfObject (Join-Path $fixtures 'minimal.bpf.o') | Invoke-BpfLoad
                $pin = Join-Path $dir 'handle_tp'
                $id = ($o.Programs.handle_tp | Add-BpfAttachment -PinPath $pin).Id
                $o | Remove-BpfObject
                (Get-BpfLink -Id $id).PinnedPaths | Should -Contain $pin
                Remove-BpfAttachment -PinnedPath $pin
                $pin | Should -Not -Exist
                Wait-Until { -not (Get-BpfLink -Id $id -ErrorAction SilentlyContinue) } | Should -BeTrue
            }
            finally { Remove-Item -Recurse -Force $dir }
        }

        It 'reports a path with no pin as BpfPinNotFound and an unknown id as BpfKernelObjectNotFound' {
            { Remove-BpfAttachment -PinnedPath '/sys/fs/bpf/psbpf-no-such-pin' -ErrorAction Stop } |
                Should -Throw -ErrorId 'BpfPinNotFound,PSBpf.Commands.RemoveBpfAttachmentCommand'
            { Remove-BpfAttachment -Id ([uint32]::MaxValue) -ErrorAction Stop } |
                Should -Throw -ErrorId 'BpfKernelObjectNotFound,PSBpf.Commands.RemoveBpfAttachmentCommand'
        }
    }
}
