#Requires -Version 7.6
#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0.0' }
<#
    Pester 5 suite for Invoke-BpfProgram: the test_run fixture's programs run by the kernel (BPF_PROG_TEST_RUN) on
    packets and contexts built here, piped as objects and by id, with the return value, output packet and context
    checked against what each program does and against bpftool prog run; the refusals with their ErrorIds.
#>

BeforeAll {
    . (Join-Path $PSScriptRoot 'PSBpf.TestSetup.ps1')
    # an Ethernet/IPv4/UDP frame from 10.0.0.1:12345 to 10.0.0.2:$Port with 18 bytes of payload
    function New-UdpFrame([uint16] $Port, [int] $Payload = 18) {
        [byte[]](@(0x02, 0, 0, 0, 0, 0xbb, 0x02, 0, 0, 0, 0, 0xaa, 0x08, 0x00,
                0x45, 0, 0, (28 + $Payload), 0, 1, 0, 0, 64, 17, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2,
                0x30, 0x39, ($Port -shr 8), ($Port -band 0xff), 0, (8 + $Payload), 0, 0) + @(1..$Payload | ForEach-Object { 0x61 }))
    }
}

Describe 'Invoke-BpfProgram' {
    It 'is exported with help that shows a Pester test' {
        Get-Command Invoke-BpfProgram -Module PSBpf | Should -Not -BeNullOrEmpty
        (Get-Help Invoke-BpfProgram -Full).Synopsis | Should -Match 'BPF_PROG_TEST_RUN'
        (Get-Help Invoke-BpfProgram -Examples).Examples.Example.Code -join "`n" | Should -Match 'Invoke-Pester'
    }

    Context 'as root' -Tag Root {
        BeforeAll {
            if ($isRoot) { $script:o = Import-BpfObject (Join-Path $fixtures 'test_run.bpf.o') | Invoke-BpfLoad }
        }

        AfterAll {
            if ($isRoot) { $o | Remove-BpfObject }
        }

        BeforeEach {
            if (-not $isRoot) { Set-ItResult -Skipped -Because 'running a program needs it loaded, which needs root (CAP_BPF, CAP_NET_ADMIN)' }
        }

        It 'runs a piped xdp program on a packet and names its action' {
            $r = $o.Programs.xdp_filter | Invoke-BpfProgram -Data (New-UdpFrame 9)
            $r | Should -BeOfType ([PSBpf.Engine.BpfRunResult])
            $r.Action | Should -Be 'XDP_DROP'
            $r.ReturnValue | Should -Be 1
            $r.ProgramId | Should -Be $o.Programs.xdp_filter.Id
            $r.Data | Should -Be (New-UdpFrame 9)
        }

        It 'returns the packet as the program changed it' {
            $frame = New-UdpFrame 7
            $r = Invoke-BpfProgram $o.Programs.xdp_filter $frame
            $r.Action | Should -Be 'XDP_TX'
            $r.Data[0..5] | Should -Be $frame[6..11]
            $r.Data[6..11] | Should -Be $frame[0..5]
            (Invoke-BpfProgram $o.Programs.xdp_strip $frame).Data | Should -Be $frame[14..($frame.Length - 1)]
        }

        It 'takes a hashtable as the __sk_buff and gives it back as an object' {
            $r = Invoke-BpfProgram $o.Programs.tc_mark -Data (New-UdpFrame 53) -Context @{ mark = 5 }
            $r.Action | Should -Be 'TC_ACT_OK'
            $r.Context | Should -BeOfType ([pscustomobject])
            $r.Context.mark | Should -Be 65
            $r.Context.priority | Should -Be 7
            (Invoke-BpfProgram $o.Programs.tc_mark -Data (New-UdpFrame 53 -Payload 0)).Action | Should -Be 'TC_ACT_SHOT'
        }

        It 'takes a PSCustomObject as a sk_lookup context' {
            $lookup = [pscustomobject]@{ family = 2; protocol = 6; local_port = 8080; remote_port = 40000 }
            (Invoke-BpfProgram $o.Programs.lookup_port -Context $lookup).Action | Should -Be 'SK_DROP'
            $lookup.local_port = 80
            (Invoke-BpfProgram $o.Programs.lookup_port -Context $lookup).Action | Should -Be 'SK_PASS'
        }

        It 'passes raw_tp arguments and a syscall program''s own context type' {
            (Invoke-BpfProgram $o.Programs.raw_args -Context 3, 4, 9).ReturnValue | Should -Be 9
            $o.Globals.raw_sum | Should -Be 7
            $r = Invoke-BpfProgram $o.Programs.sys_add -Context @{ a = 5; b = 3 }
            $r.ReturnValue | Should -Be 1
            $r.Context.sum | Should -Be 8
        }

        It 'is where syscall programs run: Add-BpfAttachment does not attach them and says so' {
            { $o.Programs.sys_add | Add-BpfAttachment -ErrorAction Stop } |
                Should -Throw -ErrorId 'BpfAttachFailed,PSBpf.Commands.AddBpfAttachmentCommand' -ExpectedMessage '*syscall programs run when called*Invoke-BpfProgram*'
            $verbose = $o | Add-BpfAttachment -Name sys_add -Verbose 4>&1
            ($verbose | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }).Message | Should -Match 'sys_add is a syscall program'
            $o.Programs.sys_add.GetLinks() | Should -BeNullOrEmpty
        }

        It 'runs -Repeat times and reports the mean duration' {
            $before = $o.Globals.xdp_runs
            $r = Invoke-BpfProgram $o.Programs.xdp_filter (New-UdpFrame 53) -Repeat 5000
            $o.Globals.xdp_runs - $before | Should -Be 5000
            $r.Repeat | Should -Be 5000
            $r.DurationNs | Should -BeGreaterThan 0
        }

        It 'runs a kernel program piped from Get-BpfProgram by its Id' {
            $r = Get-BpfProgram -Id $o.Programs.xdp_filter.Id | Invoke-BpfProgram -Data (New-UdpFrame 9)
            $r.Action | Should -Be 'XDP_DROP'
            $r.ProgramName | Should -Be 'xdp_filter'
        }

        It 'gives the return value and output packet bpftool prog run gives' {
            $in = Join-Path ([IO.Path]::GetTempPath()) "psbpf-run-$PID.in"
            $out = Join-Path ([IO.Path]::GetTempPath()) "psbpf-run-$PID.out"
            try {
                [IO.File]::WriteAllBytes($in, (New-UdpFrame 7))
                $said = bpftool prog run id $o.Programs.xdp_filter.Id data_in $in data_out $out
                $said | Should -Match 'Return value: (\d+)'
                $returned = [uint32]($said -join "`n" -replace '(?s).*Return value: (\d+).*', '$1')
                $r = Invoke-BpfProgram $o.Programs.xdp_filter (New-UdpFrame 7)
                $r.ReturnValue | Should -Be $returned
                $r.Data | Should -Be ([IO.File]::ReadAllBytes($out))
            }
            finally { Remove-Item $in, $out -ErrorAction SilentlyContinue }
        }

        It 'survives ConvertTo-Json as plain data' {
            $json = Invoke-BpfProgram $o.Programs.tc_mark (New-UdpFrame 53) | ConvertTo-Json -Depth 4 | ConvertFrom-Json
            $json.Action | Should -Be 'TC_ACT_OK'
            $json.ProgramType | Should -Be 'sched_cls'
            $json.Context.priority | Should -Be 7
        }

        It 'does nothing with -WhatIf' {
            $before = $o.Globals.xdp_runs
            Invoke-BpfProgram $o.Programs.xdp_filter (New-UdpFrame 53) -WhatIf | Should -BeNullOrEmpty
            $o.Globals.xdp_runs | Should -Be $before
        }

        It 'reports <What> as <ErrorId>' -ForEach @(
            @{ What = 'an xdp program without a packet'; ErrorId = 'BpfRunInputInvalid'; Run = { Invoke-BpfProgram $o.Programs.xdp_filter } }
            @{ What = 'a packet for sk_lookup'; ErrorId = 'BpfRunInputInvalid'; Run = { Invoke-BpfProgram $o.Programs.lookup_port (New-UdpFrame 7) -Context @{ family = 2; protocol = 6 } } }
            @{ What = '-Repeat for raw_tp'; ErrorId = 'BpfRunInputInvalid'; Run = { Invoke-BpfProgram $o.Programs.raw_args -Context 1, 2 -Repeat 3 } }
            @{ What = 'a context field the type lacks'; ErrorId = 'BpfValueInvalid'; Run = { Invoke-BpfProgram $o.Programs.tc_mark (New-UdpFrame 53) -Context @{ nosuch = 1 } } }
            @{ What = 'a context value too big for its field'; ErrorId = 'BpfValueInvalid'; Run = { Invoke-BpfProgram $o.Programs.sys_add -Context @{ a = 5GB } } }
            @{ What = 'an id no program has'; ErrorId = 'BpfKernelObjectNotFound'; Run = { Invoke-BpfProgram -Id 4000000000 -Data (New-UdpFrame 7) } }
            @{ What = 'a type the kernel cannot run'; ErrorId = 'BpfRunFailed'; Run = {
                    $m = Import-BpfObject (Join-Path $fixtures 'minimal.bpf.o') | Invoke-BpfLoad
                    try { Invoke-BpfProgram $m.Programs.handle_tp (New-UdpFrame 7) } finally { $m | Remove-BpfObject }
                } }
            @{ What = 'a program not loaded'; ErrorId = 'BpfObjectNotLoaded'; Run = {
                    $n = Import-BpfObject (Join-Path $fixtures 'test_run.bpf.o')
                    try { Invoke-BpfProgram $n.Programs.xdp_filter (New-UdpFrame 7) } finally { $n.Dispose() }
                } }
        ) {
            $ErrorActionPreference = 'Stop'
            $caught = try { & $Run; $null } catch { $_ }
            $caught | Should -Not -BeNullOrEmpty -Because "$What is an error"
            $caught.FullyQualifiedErrorId | Should -Be "$ErrorId,PSBpf.Commands.InvokeBpfProgramCommand"
            $caught.Exception.Message | Should -Not -Match "\(Parameter '"
        }
    }
}
