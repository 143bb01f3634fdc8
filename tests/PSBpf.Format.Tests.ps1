#Requires -Version 7.6
#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0.0' }
<#
    The default views of PSBpf.format.ps1xml as pwsh renders them for real objects: every table fits 120 columns with
    its headers on one line, and objects that went out of process and back (Start-Job, Export-Clixml/Import-Clixml)
    keep the same table.
#>

BeforeAll {
    . (Join-Path $PSScriptRoot 'PSBpf.TestSetup.ps1')
    $PSStyle.OutputRendering = 'PlainText'

    # The non-empty lines of the default table of $InputObject at a 120-column console.
    function Get-TableLines($InputObject) {
        @(($InputObject | Format-Table | Out-String -Width 120) -split "`n" | ForEach-Object TrimEnd | Where-Object { $_ })
    }

    # Headers on one line: the line under the first one is the dash rule.
    function Assert-FitsTable($InputObject, [string] $What) {
        $lines = Get-TableLines $InputObject
        $lines.Count | Should -BeGreaterThan 2 -Because "$What renders as a table with rows"
        $lines[1] | Should -Match '^[\s-]+$' -Because "$What has its headers on one line: '$($lines[0])' / '$($lines[1])'"
        $lines | Where-Object Length -gt 120 | Should -BeNullOrEmpty -Because "$What fits 120 columns"
    }
}

Describe 'Default views' -Tag Root {
    BeforeAll {
        if (-not $isRoot) { return }
        $script:cgroup = Join-Path $cgroup2Root "psbpf-format-$PID"
        New-Item -ItemType Directory -Path $cgroup | Out-Null
        $script:o = Import-BpfObject (Join-Path $fixtures 'bootstrap.bpf.o') | Invoke-BpfLoad
        $script:c = Import-BpfObject (Join-Path $fixtures 'cgroup_skb.bpf.o') | Invoke-BpfLoad
        $script:t = Import-BpfObject (Join-Path $fixtures 'test_run.bpf.o') | Invoke-BpfLoad
        $script:links = @($o | Add-BpfAttachment) + @($c | Add-BpfAttachment -Cgroup $cgroup)
        # a veth pair in a namespace of the test's own, with an XDP program, for Get-BpfNetAttachment
        $script:netns = "psbpf-format-$PID"
        ip netns add $netns
        ip -n $netns link add fmt0 type veth peer name fmt1
        $script:x = Import-BpfObject (Join-Path $fixtures 'xdp.bpf.o') | Invoke-BpfLoad
        $script:links += @($x.Programs.xdp_count | Add-BpfAttachment -Interface fmt0 -Mode Generic -NetworkNamespace $netns)
        Set-BpfMapEntry -Map $o.Maps.exec_start -Key 1 -Value 42
        $script:ids = @($o.Programs.Id) + @($c.Programs.Id)
        $script:mapIds = @($o.Maps.Id) + @($c.Maps.Id)
    }

    AfterAll {
        if (-not $isRoot) { return }
        $o, $c, $t, $x | Where-Object { $_ } | Remove-BpfObject
        ip netns del $netns 2>$null
        Wait-Until { -not (Get-BpfLink | Where-Object ProgramId -in $ids) } | Out-Null
        rmdir $cgroup
    }

    BeforeEach {
        if (-not $isRoot) { Set-ItResult -Skipped -Because 'loading programs needs root (CAP_BPF, CAP_SYS_ADMIN)' }
    }

    It 'shows <What> in 120 columns with headers on one line' -ForEach @(
        @{ What = 'Get-BpfProgram'; Get = { Get-BpfProgram | Where-Object Id -in $ids } }
        @{ What = 'Get-BpfMap'; Get = { Get-BpfMap | Where-Object Id -in $mapIds } }
        @{ What = 'Get-BpfLink'; Get = { Get-BpfLink | Where-Object ProgramId -in $ids } }
        @{ What = 'Add-BpfAttachment'; Get = { $links } }
        @{ What = 'Import-BpfObject'; Get = { $o } }
        @{ What = 'the Programs of an object'; Get = { $o.Programs } }
        @{ What = 'the Maps of an object'; Get = { $o.Maps } }
        @{ What = 'the Globals of an object'; Get = { $o.Globals } }
        @{ What = 'Get-BpfMapEntry'; Get = { Get-BpfMapEntry -Map $o.Maps.exec_start } }
        @{ What = 'Test-BpfObject'; Get = { Test-BpfObject (Join-Path $fixtures 'bootstrap.bpf.o') } }
        @{ What = 'Get-BpfInstruction'; Get = { Get-BpfInstruction -Program $o.Programs.handle_exec } }
        @{ What = 'Invoke-BpfProgram'; Get = { Invoke-BpfProgram $t.Programs.xdp_filter -Data ([byte[]]::new(64)) -Repeat 10 } }
        @{ What = 'Get-BpfNetAttachment'; Get = { Get-BpfNetAttachment -NetworkNamespace $netns } }
        @{ What = 'Get-BpfCgroupAttachment'; Get = { Get-BpfCgroupAttachment $cgroup } }
        @{ What = 'Measure-BpfProgram'; Get = { Measure-BpfProgram -Id $ids -Interval 0.05 } }
        @{ What = 'the Buckets of ConvertTo-BpfHistogram'; Get = { (0..40 | ForEach-Object { [pscustomobject]@{ Key = $_; Value = [uint64]$_ * 1000000000 } } | ConvertTo-BpfHistogram -Linear).Buckets } }
    ) {
        Assert-FitsTable (& $Get) $What
    }

    It 'shows a global''s type as its C declaration' {
        $lines = Get-TableLines $o.Globals
        $lines | Should -Contain ($lines | Where-Object { $_ -match '^min_duration_ns\s+\.rodata\s+const volatile unsigned long long\s+0$' })
        "$(($o.Globals | Where-Object Name -eq min_duration_ns).Type)" | Should -Be 'const volatile unsigned long long'
        "$($o.Maps.exec_start.KeyType)" | Should -Be 'pid_t'
    }

    It 'keeps the table of <What> for objects deserialized from a job and from Clixml' -ForEach @(
        @{ What = 'Get-BpfProgram'; Command = 'Get-BpfProgram -Id {0}'; Id = 'program' }
        @{ What = 'Get-BpfMap'; Command = 'Get-BpfMap -Id {0}'; Id = 'map' }
        @{ What = 'Get-BpfLink'; Command = 'Get-BpfLink -ProgramId {0}'; Id = 'program' }
        @{ What = 'Test-BpfObject'; Command = 'Test-BpfObject {0}'; Id = 'path' }
        @{ What = 'Get-BpfNetAttachment'; Command = 'Get-BpfNetAttachment -NetworkNamespace {0}'; Id = 'netns' }
        @{ What = 'Get-BpfCgroupAttachment'; Command = 'Get-BpfCgroupAttachment {0}'; Id = 'cgroup' }
        @{ What = 'Measure-BpfProgram'; Command = 'Measure-BpfProgram -Id {0} -Interval 0.05'; Id = 'program' }
    ) {
        $arg = switch ($Id) {
            'program' { $ids[0] } 'map' { $o.Maps.exec_start.Id } 'path' { "'$(Join-Path $fixtures 'bootstrap.bpf.o')'" }
            'netns' { "'$netns'" } 'cgroup' { "'$cgroup'" }
        }
        $command = $Command -f $arg
        $live = & ([scriptblock]::Create($command))
        $module = (Get-Module PSBpf).Path
        # a separate pwsh process: the job imports the module there and sends the objects back serialized
        $fromJob = Start-Job -ScriptBlock { param($m, $c) Import-Module $m; & ([scriptblock]::Create($c)) } -ArgumentList $module, $command |
            Receive-Job -Wait -AutoRemoveJob
        $fromJob | Should -Not -BeNullOrEmpty
        $fromJob[0].PSObject.TypeNames[0] | Should -BeLike 'Deserialized.PSBpf.*'
        $xml = Join-Path ([IO.Path]::GetTempPath()) "psbpf-$([guid]::NewGuid().ToString('N')).xml"
        try {
            $live | Export-Clixml -LiteralPath $xml
            $fromXml = Import-Clixml -LiteralPath $xml
        }
        finally { Remove-Item -LiteralPath $xml -ErrorAction SilentlyContinue }

        $liveTable = Get-TableLines $live
        $xmlTable = Get-TableLines $fromXml
        (Get-TableLines $fromJob)[0] | Should -Be $liveTable[0]
        $xmlTable[0] | Should -Be $liveTable[0]
        # the rows too, for the values that do not change between the two listings
        $xmlTable[2] | Should -Be $liveTable[2]
    }
}
