#Requires -Version 7.6
#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0.0' }
<#
    Get-BpfProgram, Get-BpfMap and Get-BpfLink piped to ConvertTo-Json carry bpftool -j's values for the same kernel
    objects, field by field: every field bpftool prints has a PSBpf property with the same value (type names as
    bpftool spells them). A bpftool field with no counterpart fails the test, so nothing bpftool shows goes missing.
#>

BeforeAll {
    . (Join-Path $PSScriptRoot 'PSBpf.TestSetup.ps1')

    # bpftool's JSON key -> PSBpf's property.
    $script:programFields = @{
        id = 'Id'; type = 'Type'; name = 'Name'; tag = 'Tag'; gpl_compatible = 'GplCompatible'; loaded_at = 'LoadedAt'
        uid = 'Uid'; bytes_xlated = 'XlatedSize'; jited = 'Jited'; bytes_jited = 'JitedSize'; bytes_memlock = 'MemLock'
        map_ids = 'MapIds'; btf_id = 'BtfId'; run_time_ns = 'RunTimeNs'; run_cnt = 'RunCount'
        recursion_misses = 'RecursionMisses'; verified_insns = 'VerifiedInstructions'; ifindex = 'IfIndex'
        pinned = 'PinnedPaths'; pids = 'Pids'
    }
    $script:mapFields = @{
        id = 'Id'; type = 'Type'; name = 'Name'; flags = 'Flags'; bytes_key = 'KeySize'; bytes_value = 'ValueSize'
        max_entries = 'MaxEntries'; bytes_memlock = 'MemLock'; frozen = 'Frozen'; btf_id = 'BtfId'; map_extra = 'MapExtra'
        ifindex = 'IfIndex'; pinned = 'PinnedPaths'; pids = 'Pids'
    }
    $script:linkFields = @{
        id = 'Id'; type = 'Type'; prog_id = 'ProgramId'; attach_type = 'AttachType'; cgroup_id = 'CgroupId'
        target_name = 'IterTarget'; tp_name = 'TracepointName'; ifindex = 'IfIndex'; netns_ino = 'NetnsInode'
        attach_btf_obj_id = 'TargetObjectId'; target_btf_id = 'TargetBtfId'; map_id = 'MapId'
        pinned = 'PinnedPaths'; pids = 'Pids'
    }

    # One line per difference between bpftool's object and ours (both as ConvertFrom-Json gives them).
    function Compare-BpftoolJson($Bpftool, $Ours, [hashtable] $Fields) {
        foreach ($field in $Bpftool.PSObject.Properties) {
            $key = $field.Name
            if (-not $Fields.ContainsKey($key)) { "bpftool field '$key' has no PSBpf property"; continue }
            $name = $Fields[$key]
            if ($Ours.PSObject.Properties.Name -notcontains $name) { "PSBpf has no property $name (bpftool '$key')"; continue }
            $theirs = $field.Value
            $mine = $Ours.$name
            $same = switch ($key) {
                # bpftool: Unix seconds; PSBpf: a DateTime (both from the kernel's boot-time load time)
                'loaded_at' { [Math]::Abs(([DateTimeOffset]$mine).ToUnixTimeSeconds() - $theirs) -le 1 }
                'frozen' { [int][bool]$mine -eq $theirs }
                'pids' { (@($theirs | ForEach-Object { "$($_.comm)($($_.pid))" }) -join ',') -eq (@($mine | ForEach-Object { "$($_.Command)($($_.Pid))" }) -join ',') }
                default { (@($theirs) -join ',') -ceq (@($mine) -join ',') }
            }
            if (-not $same) { "$name is '$(@($mine) -join ',')', bpftool's $key is '$(@($theirs) -join ',')'" }
        }
    }
}

Describe 'JSON output against bpftool -j' -Tag Root {
    BeforeAll {
        if (-not $isRoot) { return }
        $script:dir = "/sys/fs/bpf/psbpf-pester-$([guid]::NewGuid().ToString('N').Substring(0, 12))"
        New-Item -ItemType Directory -Path $dir | Out-Null
        $script:cgroup = Join-Path $cgroup2Root "psbpf-pester-$PID"
        New-Item -ItemType Directory -Path $cgroup | Out-Null
        # tracepoints, a hash and a ring buffer; cgroup links; an iterator link; a pinned map and a pinned link
        $script:objects = @(
            Import-BpfObject (Join-Path $fixtures 'bootstrap.bpf.o') | Invoke-BpfLoad
            Import-BpfObject (Join-Path $fixtures 'cgroup_skb.bpf.o') | Invoke-BpfLoad
            Import-BpfObject (Join-Path $fixtures 'iter_task.bpf.o') | Invoke-BpfLoad
            Import-BpfObject (Join-Path $fixtures 'pinned.bpf.o') | Invoke-BpfLoad -PinPath $dir
        )
        $objects[0].Programs.handle_exec | Add-BpfAttachment -PinPath (Join-Path $dir 'link') | Out-Null
        $objects[0].Programs.handle_exit | Add-BpfAttachment | Out-Null
        $objects[1] | Add-BpfAttachment -Cgroup $cgroup | Out-Null
        $objects[2] | Add-BpfAttachment | Out-Null
        $script:programIds = @($objects.Programs.Id)
        $script:mapIds = @($objects.Maps | Where-Object Id | ForEach-Object Id)
    }

    AfterAll {
        if (-not $isRoot) { return }
        $objects | Where-Object { $_ } | Remove-BpfObject -Unpin
        Remove-Item -Recurse -Force $dir
        Wait-Until { -not (Get-BpfLink | Where-Object ProgramId -in $programIds) } | Out-Null
        rmdir $cgroup
    }

    BeforeEach {
        if (-not $isRoot) { Set-ItResult -Skipped -Because 'listing kernel objects needs root (CAP_SYS_ADMIN)' }
    }

    It 'Get-BpfProgram | ConvertTo-Json: every program has bpftool prog show''s values' {
        $ours = Get-BpfProgram | ConvertTo-Json -Depth 4 | ConvertFrom-Json
        foreach ($id in $programIds) {
            $t = bpftool -j -f prog show id $id | ConvertFrom-Json
            $o = $ours | Where-Object Id -eq $id
            Compare-BpftoolJson $t $o $programFields | Should -BeNullOrEmpty -Because "program $id ($($t.name))"
        }
        ($ours | Where-Object Id -eq $programIds[0]).Type | Should -Be 'tracepoint'
    }

    It 'Get-BpfMap | ConvertTo-Json: every map has bpftool map show''s values' {
        $ours = Get-BpfMap | ConvertTo-Json -Depth 4 | ConvertFrom-Json
        # one id at a time: bpftool 7.1's list of all maps carries one map's btf_id over to the next ringbuf
        $theirs = foreach ($id in $mapIds) {
            $t = bpftool -j -f map show id $id | ConvertFrom-Json
            $t
            $o = $ours | Where-Object Id -eq $id
            Compare-BpftoolJson $t $o $mapFields | Should -BeNullOrEmpty -Because "map $id ($($t.name))"
        }
        @($ours | Where-Object Id -in $mapIds | ForEach-Object Type) | Should -Contain 'ringbuf'
        @($theirs | Where-Object { $_.pinned }).Count | Should -BeGreaterThan 0 -Because 'a pinned map is compared too'
    }

    It 'Get-BpfLink | ConvertTo-Json: every link has bpftool link show''s values' {
        $ours = Get-BpfLink | ConvertTo-Json -Depth 4 | ConvertFrom-Json
        $theirs = bpftool -j link show | ConvertFrom-Json | Where-Object prog_id -in $programIds |
            ForEach-Object { bpftool -j -f link show id $_.id | ConvertFrom-Json }
        @($theirs.type | Sort-Object -Unique) | Should -Be @('cgroup', 'iter', 'perf_event')
        foreach ($t in $theirs) {
            $o = $ours | Where-Object Id -eq $t.id
            Compare-BpftoolJson $t $o $linkFields | Should -BeNullOrEmpty -Because "link $($t.id) ($($t.type))"
        }
        @($theirs | Where-Object { $_.pinned }).Count | Should -BeGreaterThan 0 -Because 'a pinned link is compared too'
    }

    It 'Type compares by bpftool''s name in a pipeline' {
        (Get-BpfProgram | Where-Object Type -eq tracepoint).Id | Should -Contain $programIds[0]
        (Get-BpfMap | Where-Object Type -eq ringbuf | Where-Object Id -in $mapIds) | Should -Not -BeNullOrEmpty
    }
}
