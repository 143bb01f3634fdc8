#Requires -Version 7.6
#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0.0' }
<#
    Pester 5 suite for Remove-BpfObject. Loading needs root; those tests are tagged Root and skip otherwise.
#>

BeforeAll {
    . (Join-Path $PSScriptRoot 'PSBpf.TestSetup.ps1')
}

Describe 'Remove-BpfObject' {
    It 'is exported with help' {
        Get-Command Remove-BpfObject -Module PSBpf | Should -Not -BeNullOrEmpty
        (Get-Help Remove-BpfObject -Full).Synopsis | Should -Match 'Tears'
    }

    It 'supports -WhatIf, -Confirm and -Unpin' {
        $c = Get-Command Remove-BpfObject
        $c.Parameters.Keys | Should -Contain 'WhatIf'
        $c.Parameters.Keys | Should -Contain 'Unpin'
    }

    Context 'as root' -Tag Root {
        BeforeEach {
            if (-not $isRoot) { Set-ItResult -Skipped -Because 'loading BPF programs needs root (CAP_BPF)' }
            $pinDir = "/sys/fs/bpf/psbpf-pester-$([guid]::NewGuid().ToString('N').Substring(0, 12))"
            if ($isRoot) { New-Item -ItemType Directory -Path $pinDir | Out-Null }
        }

        AfterEach {
            if ($isRoot -and (Test-Path $pinDir)) { Remove-Item -Recurse -Force $pinDir }
        }

        It 'detaches and closes everything: the ids are gone from the kernel' {
            $o = Import-BpfObject (Join-Path $fixtures 'raw_tp.bpf.o') | Invoke-BpfLoad
            $links = @($o | Add-BpfAttachment)
            $linkIds = $links.Id
            $progIds = $o.Programs.Id
            $o | Remove-BpfObject
            $o.IsDisposed | Should -BeTrue
            $links | ForEach-Object { $_.IsAttached | Should -BeFalse }
            Wait-Until { -not (Get-BpfLink -Id $linkIds -ErrorAction SilentlyContinue) } | Should -BeTrue
            Wait-Until { -not (Get-BpfProgram -Id $progIds -ErrorAction SilentlyContinue) } | Should -BeTrue
        }

        It 'keeps pins without -Unpin and removes them with it' {
            $o = Import-BpfObject (Join-Path $fixtures 'pinned.bpf.o') | Invoke-BpfLoad -PinPath $pinDir
            $o | Remove-BpfObject
            Join-Path $pinDir 'psbpf_shared' | Should -Exist

            $o = Import-BpfObject (Join-Path $fixtures 'pinned.bpf.o') | Invoke-BpfLoad -PinPath $pinDir
            $o.Maps.psbpf_shared.ReusedPin | Should -BeTrue
            $o | Remove-BpfObject -Unpin
            Join-Path $pinDir 'psbpf_shared' | Should -Not -Exist
        }

        It 'unpins the links it pinned with -Unpin' {
            $o = Import-BpfObject (Join-Path $fixtures 'minimal.bpf.o') | Invoke-BpfLoad
            $link = $o.Programs.handle_tp | Add-BpfAttachment -PinPath (Join-Path $pinDir 'handle_tp')
            $id = $link.Id
            $o | Remove-BpfObject -Unpin
            Join-Path $pinDir 'handle_tp' | Should -Not -Exist
            Wait-Until { -not (Get-BpfLink -Id $id -ErrorAction SilentlyContinue) } | Should -BeTrue
        }

        It 'leaves the object alone with -WhatIf' {
            $o = Import-BpfObject (Join-Path $fixtures 'minimal.bpf.o') | Invoke-BpfLoad
            try {
                $o | Remove-BpfObject -WhatIf
                $o.IsDisposed | Should -BeFalse
                $o.Programs.handle_tp.Id | Should -Not -BeNullOrEmpty
            }
            finally { $o.Dispose() }
        }

        It 'skips an object that was already removed' {
            $o = Import-BpfObject (Join-Path $fixtures 'minimal.bpf.o') | Invoke-BpfLoad
            $o | Remove-BpfObject
            { $o | Remove-BpfObject -ErrorAction Stop } | Should -Not -Throw
        }

        It 'releases what the module loaded when the module is removed' {
            $o = Import-BpfObject (Join-Path $fixtures 'minimal.bpf.o') | Invoke-BpfLoad
            $link = $o | Add-BpfAttachment
            Remove-Module PSBpf
            try {
                $o.IsDisposed | Should -BeTrue
                $link.IsAttached | Should -BeFalse
            }
            finally { . (Join-Path $PSScriptRoot 'PSBpf.TestSetup.ps1') }
        }
    }
}
