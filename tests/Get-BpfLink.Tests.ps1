#Requires -Version 7.6
#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0.0' }
<#
    Pester 5 suite for Get-BpfLink. Listing kernel objects needs root; those tests are tagged Root and skip with that
    reason otherwise. Uses the fixtures from tests/fixtures/build (built by the xunit build or `make -C tests/fixtures`).
#>

BeforeAll {
    . (Join-Path $PSScriptRoot 'PSBpf.TestSetup.ps1')
}

Describe 'Get-BpfLink' {
    It 'is exported with help' {
        Get-Command Get-BpfLink -Module PSBpf | Should -Not -BeNullOrEmpty
        (Get-Help Get-BpfLink -Full).Synopsis | Should -Match 'bpftool'
    }

    Context 'as root' -Tag Root {
        BeforeEach {
            if (-not $isRoot) { Set-ItResult -Skipped -Because 'listing kernel links needs root (CAP_SYS_ADMIN)' }
        }

        It 'shows a tracepoint attachment as a perf_event link of its program' {
            $o = Import-BpfObject (Join-Path $fixtures 'minimal.bpf.o') | Invoke-BpfLoad
            try {
                $link = $o.Programs.handle_tp.Attach()
                try {
                    $l = Get-BpfLink -ProgramId $o.Programs.handle_tp.Id
                    $l | Should -BeOfType ([PSBpf.Engine.BpfLinkInfo])
                    "$($l.Type)" | Should -Be 'perf_event'
                    (Get-BpfLink -Id $l.Id).ProgramId | Should -Be $o.Programs.handle_tp.Id
                    (Get-BpfLink -Type perf_event).Id | Should -Contain $l.Id
                }
                finally { $link.Dispose() }
            }
            finally { $o.Dispose() }
        }

        It 'reports an unknown id as BpfKernelObjectNotFound' {
            { Get-BpfLink -Id ([uint32]::MaxValue) -ErrorAction Stop } | Should -Throw -ErrorId 'BpfKernelObjectNotFound,PSBpf.Commands.GetBpfLinkCommand'
        }

        It 'finds a link by its pin with -PinnedPath' {
            $dir = "/sys/fs/bpf/psbpf-pester-$([guid]::NewGuid().ToString('N').Substring(0, 12))"
            New-Item -ItemType Directory -Path $dir | Out-Null
            $o = Import-BpfObject (Join-Path $fixtures 'minimal.bpf.o') | Invoke-BpfLoad
            try {
                $pin = Join-Path $dir 'l'
                $link = $o.Programs.handle_tp | Add-BpfAttachment -PinPath $pin
                $l = Get-BpfLink -PinnedPath $pin
                $l.Id | Should -Be $link.Id
                $l.PinnedPaths | Should -Contain $pin
                { Get-BpfLink -PinnedPath (Join-Path $dir 'none') -ErrorAction Stop } |
                    Should -Throw -ErrorId 'BpfPinNotFound,PSBpf.Commands.GetBpfLinkCommand'
            }
            finally { $o | Remove-BpfObject -Unpin; Remove-Item -Recurse -Force $dir }
        }
    }
}
