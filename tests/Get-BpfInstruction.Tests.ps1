#Requires -Version 7.6
#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0.0' }
<#
    Pester 5 suite for Get-BpfInstruction. Object programs disassemble without privileges; loaded and kernel programs
    need root and are tagged Root (skipped with that reason otherwise). Where llvm-objdump-14 is installed, the object
    disassembly is compared with it line by line (branch labels and whitespace normalised, as the xunit tests do).
    Uses the fixtures from tests/fixtures/build (built by the xunit build or `make -C tests/fixtures`).
#>

BeforeAll {
    . (Join-Path $PSScriptRoot 'PSBpf.TestSetup.ps1')
    $minimal = Join-Path $fixtures 'minimal.bpf.o'
}

Describe 'Get-BpfInstruction' {
    It 'is exported with help' {
        Get-Command Get-BpfInstruction -Module PSBpf | Should -Not -BeNullOrEmpty
        (Get-Help Get-BpfInstruction -Full).Synopsis | Should -Match 'llvm-objdump'
    }

    Context 'an object program' {
        BeforeAll {
            $o = Import-BpfObject $minimal
        }
        AfterAll {
            $o.Dispose()
        }

        It 'writes one line per instruction in llvm-objdump syntax' {
            $lines = Get-BpfInstruction $o.Programs.handle_tp
            $lines[0] | Should -BeOfType ([PSBpf.Engine.Asm.BpfInstructionLine])
            $lines[0].Text | Should -Be 'call 14'
            $lines[0].Target | Should -Be 'bpf_get_current_pid_tgid'
            $lines.Text | Should -Contain 'r1 = *(u32 *)(r1 + 0)'
            $lines.Text[-1] | Should -Be 'exit'
            ($lines | Where-Object Relocation).Relocation | Should -Contain 'R_BPF_64_64 my_pid'
        }

        It 'takes programs from the pipeline' {
            $fromPipe = $o.Programs | Get-BpfInstruction
            $fromPipe.Count | Should -Be (Get-BpfInstruction -Program $o.Programs.handle_tp).Count
            ($fromPipe | Select-Object -ExpandProperty Program -Unique) | Should -Be 'handle_tp'
        }

        It 'matches llvm-objdump-14' {
            if (-not (Get-Command llvm-objdump-14 -ErrorAction SilentlyContinue)) {
                Set-ItResult -Skipped -Because 'llvm-objdump-14 is not installed'
                return
            }

            $expected = llvm-objdump-14 -d --no-show-raw-insn $minimal |
                Where-Object { $_ -match '^\s+\d+:\t' } |
                ForEach-Object { (($_ -replace '^\s+\d+:\t', '') -replace ' <[^>]+>$', '') -replace '\s+', ' ' }
            (Get-BpfInstruction $o.Programs.handle_tp).Text | Should -Be $expected
        }

        It 'prints bpftool syntax on request' {
            (Get-BpfInstruction $o.Programs.handle_tp -Style Bpftool).Text | Should -Contain '(85) call bpf_trace_printk#6'
        }

        It 'reports -Xlated before load as BpfObjectNotLoaded' {
            { Get-BpfInstruction $o.Programs.handle_tp -Xlated -ErrorAction Stop } | Should -Throw -ErrorId 'BpfObjectNotLoaded,PSBpf.Commands.GetBpfInstructionCommand'
        }
    }

    Context 'as root' -Tag Root {
        BeforeEach {
            if (-not $isRoot) { Set-ItResult -Skipped -Because 'reading translated instructions needs root (CAP_SYS_ADMIN)' }
        }

        It 'disassembles what the kernel runs, like bpftool prog dump xlated' {
            $o = Import-BpfObject $minimal | Invoke-BpfLoad
            try {
                $xlated = $o.Programs.handle_tp | Get-BpfInstruction -Xlated
                $xlated[0].Text | Should -Match '^\(85\) call bpf_get_current_pid_tgid#'
                $bpftool = bpftool -j prog dump xlated id $o.Programs.handle_tp.Id | ConvertFrom-Json
                $xlated.Text | Should -Be $bpftool.disasm

                $kernel = Get-BpfProgram -Id $o.Programs.handle_tp.Id | Get-BpfInstruction
                $kernel.Text | Should -Be $xlated.Text
                (Get-BpfInstruction -Id $o.Programs.handle_tp.Id).Text | Should -Be $xlated.Text
            }
            finally { $o.Dispose() }
        }

        It 'does not take a link or a map from the pipeline: their Id is no program id' {
            $o = Import-BpfObject $minimal | Invoke-BpfLoad
            try {
                $link = $o.Programs.handle_tp | Add-BpfAttachment
                $l = Get-BpfLink -Id $link.Id
                $l.Id | Should -Not -Be $o.Programs.handle_tp.Id -Because 'the test needs ids that differ'
                { $l | Get-BpfInstruction -ErrorAction Stop } | Should -Throw -ErrorId 'InputObjectNotBound,PSBpf.Commands.GetBpfInstructionCommand'
                { Get-BpfMap -Id $o.Maps[0].Id | Get-BpfInstruction -ErrorAction Stop } | Should -Throw -ErrorId 'InputObjectNotBound*'
            }
            finally { $o | Remove-BpfObject }
        }

        It 'reports an unknown id as BpfKernelObjectNotFound' {
            { Get-BpfInstruction -Id ([uint32]::MaxValue) -ErrorAction Stop } | Should -Throw -ErrorId 'BpfKernelObjectNotFound,PSBpf.Commands.GetBpfInstructionCommand'
        }
    }
}
