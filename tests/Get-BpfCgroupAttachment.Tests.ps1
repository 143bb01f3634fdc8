#Requires -Version 7.6
#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0.0' }
<#
    Pester 5 suite for Get-BpfCgroupAttachment, checked field by field against bpftool's JSON (`bpftool -j cgroup show`,
    with `effective`, and `bpftool -j cgroup tree`) on a cgroup subtree of the test's own: a cgroup link and a
    BPF_PROG_ATTACH attachment (both BPF_F_ALLOW_MULTI) made by Add-BpfAttachment, and attachments with
    BPF_F_ALLOW_OVERRIDE and without flags made by bpftool, so the cmdlet is shown to see others' attachments. Piped
    into Remove-BpfAttachment, everything listed is detached, as bpftool then confirms.
#>

BeforeAll {
    . (Join-Path $PSScriptRoot 'PSBpf.TestSetup.ps1')

    # bpftool's and PSBpf's listings as comparable lines: cgroup, program id, hook, flags (or "-" when effective), name
    function Format-Bpftool($Entries, [string] $Cgroup) {
        foreach ($e in $Entries) { '{0} {1} {2} {3} {4}' -f $Cgroup, $e.id, $e.attach_type, ($e.PSObject.Properties['attach_flags'] ? "[$($e.attach_flags)]" : '-'), $e.name }
    }

    function Format-Ours($Attachments) {
        foreach ($a in $Attachments) { '{0} {1} {2} {3} {4}' -f $a.CgroupPath, $a.ProgramId, $a.AttachType, ($a.Effective ? '-' : "[$($a.AttachFlags)]"), $a.ProgramName }
    }

    function Get-BpftoolTree([string] $Root, [switch] $Effective) {
        $arguments = @('-j', 'cgroup', 'tree', $Root) + $(if ($Effective) { 'effective' })
        foreach ($c in @(bpftool @arguments | ConvertFrom-Json)) { Format-Bpftool $c.programs $c.cgroup }
    }
}

Describe 'Get-BpfCgroupAttachment' {
    It 'is exported with help' {
        Get-Command Get-BpfCgroupAttachment -Module PSBpf | Should -Not -BeNullOrEmpty
        (Get-Help Get-BpfCgroupAttachment -Full).Synopsis | Should -Match 'bpftool cgroup show'
    }

    Context 'on a cgroup subtree of its own' -Tag Root {
        BeforeAll {
            if (-not $isRoot) { return }
            $tag = "attached-pester-$PID-$(Get-Random -Maximum 100000)"
            $script:top = Join-Path $cgroup2Root $tag
            $script:child = Join-Path $top 'c1'
            $script:grand = Join-Path $child 'g1'
            New-Item -ItemType Directory -Path $top | Out-Null
            New-Item -ItemType Directory -Path $child | Out-Null
            New-Item -ItemType Directory -Path $grand | Out-Null

            # PSBpf's: a cgroup link on the top cgroup's ingress, a BPF_PROG_ATTACH (multi) on the child's ingress
            $script:c = Import-BpfObject (Join-Path $fixtures 'cgroup_skb.bpf.o') | Invoke-BpfLoad
            $script:d = Import-BpfObject (Join-Path $fixtures 'cgroup_skb.bpf.o') | Invoke-BpfLoad
            $script:topLink = $c.Programs.cg_ingress | Add-BpfAttachment -CgroupPath $top
            $script:legacy = $d.Programs.cg_ingress | Add-BpfAttachment -CgroupPath $child -Legacy

            # bpftool's: the child's egress with override, the grandchild's egress without flags (allowed below override)
            $script:pins = "/sys/fs/bpf/$tag"
            bpftool prog loadall (Join-Path $fixtures 'cgroup_skb.bpf.o') $pins
            $script:bpftoolEgress = [uint32](bpftool -j prog show pinned "$pins/cg_egress" | ConvertFrom-Json).id
            $script:bpftoolIngress = [uint32](bpftool -j prog show pinned "$pins/cg_ingress" | ConvertFrom-Json).id
            bpftool cgroup attach $child cgroup_inet_egress pinned "$pins/cg_egress" override
            bpftool cgroup attach $grand cgroup_inet_egress pinned "$pins/cg_ingress"
            Remove-Item -Recurse -Force $pins   # the attachments hold the programs now
        }

        AfterAll {
            if (-not $isRoot) { return }
            $c, $d | Where-Object { $_ } | Remove-BpfObject -Confirm:$false
            foreach ($dir in $grand, $child, $top) {
                # whatever a failed test left attached goes with the cgroup
                if (Test-Path $dir) { rmdir $dir }
            }
            if (Test-Path $pins) { Remove-Item -Recurse -Force $pins }
        }

        BeforeEach {
            if (-not $isRoot) { Set-ItResult -Skipped -Because 'querying cgroups and attaching programs needs root (CAP_SYS_ADMIN, CAP_BPF)' }
        }

        It 'lists a cgroup''s own programs as bpftool cgroup show does, with the link that holds one' {
            foreach ($cg in $top, $child, $grand) {
                $ours = @(Get-BpfCgroupAttachment $cg)
                @(Format-Ours $ours) | Should -Be @(Format-Bpftool (bpftool -j cgroup show $cg | ConvertFrom-Json) $cg) -Because "bpftool cgroup show $cg"
                $ours | ForEach-Object { $_.CgroupId | Should -Be ([uint64](stat -c %i $cg)) }
            }

            $own = Get-BpfCgroupAttachment $top
            $own.ProgramId | Should -Be $c.Programs.cg_ingress.Id
            $own.AttachFlags | Should -Be 'multi'
            $own.LinkId | Should -Be $topLink.Id
            (bpftool -j link show id $own.LinkId | ConvertFrom-Json).cgroup_id | Should -Be $own.CgroupId

            $mid = @(Get-BpfCgroupAttachment $child)
            "$($mid.AttachType)" | Should -Be 'cgroup_inet_ingress cgroup_inet_egress'
            $mid.AttachFlags | Should -Be @('multi', 'override')
            $mid.ProgramId | Should -Be @($d.Programs.cg_ingress.Id, $bpftoolEgress)
            $mid | ForEach-Object { $_.LinkId | Should -BeNullOrEmpty -Because 'BPF_PROG_ATTACH makes no link' }
            (Get-BpfCgroupAttachment $grand).AttachFlags | Should -Be '' -Because 'bpftool attached it without flags'
        }

        It 'lists the effective programs as bpftool cgroup show effective does' {
            foreach ($cg in $top, $child, $grand) {
                $ours = @(Get-BpfCgroupAttachment $cg -Effective)
                @(Format-Ours $ours) | Should -Be @(Format-Bpftool (bpftool -j cgroup show $cg effective | ConvertFrom-Json) $cg) -Because "bpftool cgroup show $cg effective"
            }

            $eff = @(Get-BpfCgroupAttachment $grand -Effective)
            $eff.Effective | Should -Not -Contain $false
            foreach ($e in $eff) {
                $e.AttachFlags | Should -BeNullOrEmpty -Because 'effective listings have no attach flags'
                $e.LinkId | Should -BeNullOrEmpty -Because 'an effective entry may be an ancestor''s'
            }
            # ingress: the child's program runs first, then the inherited one of the top cgroup; egress: override replaces
            @($eff | Where-Object AttachType -eq cgroup_inet_ingress).ProgramId | Should -Be @($d.Programs.cg_ingress.Id, $c.Programs.cg_ingress.Id)
            @($eff | Where-Object AttachType -eq cgroup_inet_ingress).Order | Should -Be @(0, 1)
            @($eff | Where-Object AttachType -eq cgroup_inet_egress).ProgramId | Should -Be $bpftoolIngress
        }

        It 'lists a subtree as bpftool cgroup tree does, direct and effective' {
            @(Format-Ours (Get-BpfCgroupAttachment $top -Recurse)) | Should -Be @(Get-BpftoolTree $top)
            @(Format-Ours (Get-BpfCgroupAttachment $top -Recurse -Effective)) | Should -Be @(Get-BpftoolTree $top -Effective)
            @((Get-BpfCgroupAttachment $top -Recurse).CgroupPath | Select-Object -Unique) | Should -Be @($top, $child, $grand)
        }

        It 'takes paths from the pipeline, as strings and as CgroupPath properties' {
            $byValue = @($top, $child | Get-BpfCgroupAttachment)
            $byValue.Count | Should -Be 3
            $byProperty = @([pscustomobject]@{ CgroupPath = $child } | Get-BpfCgroupAttachment)
            ($byProperty | ConvertTo-Json -Compress) | Should -Be (Get-BpfCgroupAttachment $child | ConvertTo-Json -Compress)
        }

        It 'reports a missing cgroup or a directory that is no cgroup as BpfTargetNotFound' {
            { Get-BpfCgroupAttachment (Join-Path $top 'none') -ErrorAction Stop } |
                Should -Throw -ErrorId 'BpfTargetNotFound,PSBpf.Commands.GetBpfCgroupAttachmentCommand'
            { Get-BpfCgroupAttachment ([IO.Path]::GetTempPath()) -ErrorAction Stop } |
                Should -Throw -ErrorId 'BpfTargetNotFound,PSBpf.Commands.GetBpfCgroupAttachmentCommand'
        }

        It 'refuses to detach an effective listing, which may be an ancestor''s' {
            $before = @(Get-BpftoolTree $top)
            Get-BpfCgroupAttachment $grand -Effective | Remove-BpfAttachment -Confirm:$false -ErrorAction SilentlyContinue -ErrorVariable failed
            @($failed).Count | Should -Be 3
            $failed[0].FullyQualifiedErrorId | Should -Be 'BpfAttachFailed,PSBpf.Commands.RemoveBpfAttachmentCommand'
            $failed[0].Exception.Message | Should -Match 'effective'
            @(Get-BpftoolTree $top) | Should -Be $before
        }

        It 'detaches everything it lists through Remove-BpfAttachment: the link, PSBpf''s and bpftool''s BPF_PROG_ATTACH' {
            $listed = @(Get-BpfCgroupAttachment $top -Recurse)
            $listed.Count | Should -Be 4
            $listed | Remove-BpfAttachment -Confirm:$false -ErrorAction Stop
            @(bpftool -j cgroup tree $top | ConvertFrom-Json) | Should -BeNullOrEmpty -Because 'bpftool sees no program left in the subtree'
            Wait-Until { -not (bpftool -j link show | ConvertFrom-Json | Where-Object id -eq $topLink.Id) } | Should -BeTrue
            @(Get-BpfCgroupAttachment $top -Recurse) | Should -BeNullOrEmpty
        }
    }
}
