#Requires -Version 7.6
#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0.0' }
<#
    PSBpf over PowerShell remoting, for real: a loopback-only sshd made for this run (tests/Remoting/TestSshd.ps1)
    with pwsh as its "powershell" subsystem and the built module on the remote PSModulePath, reached by
    Invoke-Command -HostName at two loopback addresses, as two hosts of a fleet. Both "hosts" are this kernel, so what
    the remote cmdlets report is checked against the same objects seen locally.

    Checked: inspection objects come back as Deserialized.<type> with PSBpf's views and their PSComputerName; map
    entries (structs, per-CPU arrays of structs, struct keys) and ring buffer records arrive whole as plain data, not
    as the text of their ToString(); errors keep their ErrorId.
#>

BeforeAll {
    . (Join-Path $PSScriptRoot 'PSBpf.TestSetup.ps1')
    . (Join-Path $PSScriptRoot 'Remoting/TestSshd.ps1')
    $script:moduleRoot = Split-Path -Parent (Split-Path -Parent (Split-Path -Parent (Get-Module PSBpf).Path))
    if ($isRoot) {
        $script:sshd = Start-TestSshd -ModuleRoot $moduleRoot -HostName 'web1', 'web2'
        $script:remote = @{
            HostName    = $sshd.Address
            Port        = $sshd.Port
            UserName    = 'root'
            KeyFilePath = $sshd.KeyFilePath
            Options     = $sshd.Options
        }
    }
}

AfterAll {
    if ($isRoot) { Stop-TestSshd $sshd }
}

Describe 'PSBpf over SSH remoting' -Tag Root {
    BeforeEach {
        if (-not $isRoot) { Set-ItResult -Skipped -Because 'the remote sessions log in as root and load programs (root)' }
    }

    It 'lists a loaded XDP program from each host as Deserialized objects with PSBpf''s view and PSComputerName' {
        $o = Import-BpfObject (Join-Path $fixtures 'xdp.bpf.o') | Invoke-BpfLoad
        try {
            $local = Get-BpfProgram -Id $o.Programs.xdp_count.Id
            $r = @(Invoke-Command @remote -ScriptBlock { Get-BpfProgram -Type xdp } -ErrorAction Stop |
                    Where-Object Id -eq $local.Id)

            @($r.PSComputerName | Sort-Object) | Should -Be @($sshd.Address | Sort-Object)
            foreach ($p in $r) {
                $p.pstypenames[0] | Should -Be 'Deserialized.PSBpf.Engine.BpfProgramInfo'
                $p.Name | Should -Be 'xdp_count'
                $p.Tag | Should -Be $local.Tag
                "$($p.Type)" | Should -Be 'xdp'
                $p.LoadedAt | Should -BeOfType ([datetime])
                $p.MapIds | Should -Be $local.MapIds
                # The processes holding it (this test's) arrive as bpftool's "comm(pid)" text, as the view shows them.
                $mine = "$($local.Pids | Where-Object Pid -eq $PID)"
                $mine | Should -Match "^.+\($PID\)$"
                @($p.Pids) | Should -Contain $mine
            }
            # The view is PSBpf's table: the same columns as the local object's, with the computer's name added.
            $localHeader = (($local | Format-Table | Out-String -Width 200) -split "`n" | Where-Object { $_.Trim() })[0] -split '\s+' | Where-Object { $_ }
            $remoteHeader = (($r | Format-Table | Out-String -Width 200) -split "`n" | Where-Object { $_.Trim() })[0] -split '\s+' | Where-Object { $_ }
            $remoteHeader | Should -Be (@($localHeader) + 'PSComputerName')
            ($r | Format-Table | Out-String -Width 200) | Should -Match ([regex]::Escape($mine))
            ($r | Format-Table | Out-String -Width 200) | Should -Not -Match '\(\)'   # no empty comm(pid) from lost fields
            # A runbook's filter works on the deserialized objects too.
            @($r | Where-Object Type -eq xdp).Count | Should -Be 2
        }
        finally { $o.Dispose() }
    }

    It 'brings map entries across whole: struct keys, per-CPU arrays of structs, numbers as numbers' {
        $x = Import-BpfObject (Join-Path $fixtures 'xdp.bpf.o') | Invoke-BpfLoad
        $m = Import-BpfObject (Join-Path $fixtures 'maps.bpf.o') | Invoke-BpfLoad
        try {
            $cpus = @(Get-BpfMapEntry $x.Maps.pkt_count -Key 1).Value.Count
            $perCpu = 0..($cpus - 1) | ForEach-Object { @{ packets = 10 + $_; bytes = 1000 * ($_ + 1) } }
            Set-BpfMapEntry $x.Maps.pkt_count -Key 1 -Value $perCpu
            Set-BpfMapEntry $m.Maps.routes -Key @{ prefixlen = 24; addr = 0x0002000a } -Value 7

            $ids = @{ counts = $x.Maps.pkt_count.Id; routes = $m.Maps.routes.Id }
            $r = Invoke-Command @remote -ArgumentList $ids -ErrorAction Stop -ScriptBlock {
                param($ids)
                [pscustomobject]@{
                    Counts = Get-BpfMapEntry -Id $ids.counts -Key 1
                    Routes = @(Get-BpfMapEntry -Id $ids.routes)
                }
            }
            $r.Count | Should -Be 2
            foreach ($h in $r) {
                $h.Counts.pstypenames[0] | Should -Be 'Deserialized.PSBpf.Output.BpfMapItem'
                $h.Counts.Value.Count | Should -Be $cpus
                $h.Counts.Value[1].packets | Should -BeOfType ([uint64])
                ($h.Counts.Value | ConvertTo-Json -Compress) | Should -Be ((Get-BpfMapEntry $x.Maps.pkt_count -Key 1).Value | ConvertTo-Json -Compress)
                $h.Routes.Count | Should -Be 1
                $h.Routes[0].Key.prefixlen | Should -Be 24
                $h.Routes[0].Key.addr | Should -Be 0x0002000a
                $h.Routes[0].Value | Should -Be 7
            }
        }
        finally { $x.Dispose(); $m.Dispose() }
    }

    It 'streams ring buffer records from a remote session as plain data, each with its host' {
        # Each host loads and attaches bootstrap itself, as a fleet runbook would, and reads exec events; the test
        # starts processes meanwhile.
        $job = Invoke-Command @remote -AsJob -ArgumentList (Join-Path $fixtures 'bootstrap.bpf.o'), $bootstrapHeader -ScriptBlock {
            param($path, $header)
            $b = Import-BpfObject $path | Invoke-BpfLoad
            $null = $b | Add-BpfAttachment
            try { Receive-BpfRingBuffer $b.Maps.rb -Header $header -Type event -Timeout 20 | Where-Object { -not $_.exit_event -and $_.comm -eq 'true' } | Select-Object -First 2 }
            finally { $b | Remove-BpfObject }
        }
        try {
            $deadline = (Get-Date).AddSeconds(25)
            while ($job.State -eq 'Running' -and (Get-Date) -lt $deadline) {
                Start-Process -FilePath /bin/true -Wait
                Start-Sleep -Milliseconds 200
            }
            $events = @(Receive-Job $job -Wait -ErrorAction Stop)
        }
        finally { Remove-Job $job -Force }

        $events.Count | Should -Be 4
        @($events | Group-Object PSComputerName | Sort-Object Name | ForEach-Object Name) | Should -Be @($sshd.Address | Sort-Object)
        foreach ($e in $events) {
            $e.pstypenames | Should -Contain 'Deserialized.PSBpf.BpfRecord'   # (Select-Object -First adds a Selected. name before it)
            $e.pid | Should -BeOfType ([int])
            $e.pid | Should -BeGreaterThan 0
            $e.comm | Should -Be 'true'
            $e.filename | Should -Be '/bin/true'
            $e.exit_event | Should -BeOfType ([bool])
        }
        ($events[0] | Select-Object pid, comm, filename | ConvertTo-Json -Compress) | Should -Match '^\{"pid":\d+,"comm":"true","filename":"/bin/true"\}$'
    }

    It 'keeps a remote error''s ErrorId' {
        $err = $null
        $null = Invoke-Command @remote -ScriptBlock { Get-BpfProgram -Id ([uint32]::MaxValue) } -ErrorVariable err -ErrorAction SilentlyContinue
        $err.Count | Should -Be 2
        $err | ForEach-Object { $_.FullyQualifiedErrorId | Should -Be 'BpfKernelObjectNotFound,PSBpf.Commands.GetBpfProgramCommand' }
        @($err.OriginInfo.PSComputerName | Sort-Object) | Should -Be @($sshd.Address | Sort-Object)
    }
}
