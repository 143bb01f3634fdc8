#Requires -Version 7.6
#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0.0' }
<#
    Pester 5 suite for Get-BpfNetAttachment, checked field by field against bpftool's JSON (`bpftool -j net show`,
    `bpftool -j link show`) and tc's (`tc -j filter show`), on a veth pair in a network namespace of the test's own. Some
    attachments are made by Add-BpfAttachment, others by ip(8), tc(8) and bpftool, so the cmdlet is shown to see
    everyone's. Piped into Remove-BpfAttachment, everything listed is detached, as bpftool then confirms.
    bpftool 7.1 (Debian's) lists xdp, tc and flow_dissector in `net show`, not tcx, netkit or sk_lookup: those are
    compared with its link listing, and the tcx order with the packets the programs count.
#>

BeforeAll {
    . (Join-Path $PSScriptRoot 'PSBpf.TestSetup.ps1')

    # bpftool's `net show` in a namespace (its single JSON object: xdp, tc, flow_dissector). bpftool 7.1 writes an
    # attached flow dissector as a bare member inside the array ("flow_dissector":["id":7]), which is no JSON: that
    # part is read with a pattern and the rest as JSON.
    function Get-BpftoolNet([string] $Netns, [string] $Device) {
        $arguments = @('-j', 'net', 'show') + $(if ($Device) { @('dev', $Device) })
        $text = "$(ip netns exec $Netns bpftool @arguments)"
        $dissectors = @()
        if ($text -match '"flow_dissector":\[([^\]]*)\]') {
            $dissectors = @([regex]::Matches($Matches[1], '"id":(\d+)') | ForEach-Object { [pscustomobject]@{ id = [uint32]$_.Groups[1].Value } })
            $text = $text.Replace($Matches[0], '"flow_dissector":[]')
        }

        $net = ($text | ConvertFrom-Json)[0]
        $net.flow_dissector = $dissectors
        $net
    }

    function Get-BpftoolLinks { @(bpftool -j link show | ConvertFrom-Json) }

    # a u64 counter of an array map, as the fixtures keep them
    function Get-Counter($map, [uint32] $key) { [uint64](Get-BpfMapEntry -Map $map -Key $key).Value }
}

Describe 'Get-BpfNetAttachment' {
    It 'is exported with help' {
        Get-Command Get-BpfNetAttachment -Module PSBpf | Should -Not -BeNullOrEmpty
        (Get-Help Get-BpfNetAttachment -Full).Synopsis | Should -Match 'bpftool net show'
    }

    Context 'on a veth pair in a network namespace of its own' -Tag Root {
        BeforeAll {
            if (-not $isRoot) { return }
            $script:netns = "attached-pester-$PID-$(Get-Random -Maximum 100000)"
            ip netns add $netns
            ip -n $netns link set lo up
            # atv0 carries the test's traffic from its peer atv1 in a second namespace (packets between two addresses
            # of one namespace would go over lo); the pair atw0/atw1 is for a second XDP program
            $script:peer = "$netns-p"
            ip netns add $peer
            ip -n $netns link add atv0 type veth peer name atv1 netns $peer
            ip -n $netns link add atw0 type veth peer name atw1
            ip netns exec $netns bash -c 'ip addr add 10.219.7.1/24 dev atv0 && ip link set atv0 up && ip link set atw0 up && ip link set atw1 up'
            ip netns exec $peer bash -c 'ip addr add 10.219.7.2/24 dev atv1 && ip link set atv1 up'
            $script:ifindex0 = [uint32](ip netns exec $netns cat /sys/class/net/atv0/ifindex)
            $script:ifindexW1 = [uint32](ip netns exec $netns cat /sys/class/net/atw1/ifindex)

            $script:xdp = Import-BpfObject (Join-Path $fixtures 'xdp.bpf.o') | Invoke-BpfLoad
            $script:tc = Import-BpfObject (Join-Path $fixtures 'tc_classic.bpf.o') | Invoke-BpfLoad
            $script:tcx = Import-BpfObject (Join-Path $fixtures 'tcx_order.bpf.o') | Invoke-BpfLoad
            $script:skl = Import-BpfObject (Join-Path $fixtures 'sk_lookup_count.bpf.o') | Invoke-BpfLoad
            $script:fd = Import-BpfObject (Join-Path $fixtures 'flow_dissector.bpf.o') | Invoke-BpfLoad

            # PSBpf's own: native XDP (a link) on atv0, classic tc filters at two priorities, a tcx chain placed with
            # -TcxBefore, and the namespace's sk_lookup and flow dissector links
            $script:xdpLink = $xdp.Programs.xdp_count | Add-BpfAttachment -Interface atv0 -Mode Driver -NetworkNamespace $netns
            $script:tc10 = $tc.Programs.tc_count_in | Add-BpfAttachment -Interface atv0 -AttachType tcx_ingress -TcMode Classic -TcPriority 10 -NetworkNamespace $netns
            $script:tc20 = $tc.Programs.tc_count_out | Add-BpfAttachment -Interface atv0 -AttachType tcx_ingress -TcMode Classic -TcPriority 20 -TcHandle 5 -NetworkNamespace $netns
            $script:tcxPass = $tcx.Programs.order_pass | Add-BpfAttachment -Interface atv0 -NetworkNamespace $netns
            $script:tcxNext = $tcx.Programs.order_next | Add-BpfAttachment -Interface atv0 -TcxBefore $tcx.Programs.order_pass.Id -NetworkNamespace $netns
            $script:sklLink = $skl.Programs.count_lookup | Add-BpfAttachment -NetworkNamespace $netns
            $script:fdLink = $fd.Programs.dissect_ipv4 | Add-BpfAttachment -NetworkNamespace $netns

            # others': generic XDP by ip(8) on atw1 (netlink, no link) and an egress filter by tc(8), not direct-action
            ip netns exec $netns ip link set dev atw1 xdpgeneric obj (Join-Path $fixtures 'xdp.bpf.o') sec xdp
            ip netns exec $netns tc filter add dev atv0 egress prio 7 handle 3 bpf obj (Join-Path $fixtures 'tc_classic.bpf.o') sec tc
            $script:ourIds = @($xdp.Programs.Id) + @($tc.Programs.Id) + @($tcx.Programs.Id) + @($skl.Programs.Id) + @($fd.Programs.Id)
        }

        AfterAll {
            if (-not $isRoot) { return }
            $xdp, $tc, $tcx, $skl, $fd | Where-Object { $_ } | Remove-BpfObject -Confirm:$false
            ip netns del $netns 2>$null
            ip netns del $peer 2>$null
        }

        BeforeEach {
            if (-not $isRoot) { Set-ItResult -Skipped -Because 'listing network attachments and attaching programs needs root (CAP_NET_ADMIN, CAP_BPF)' }
        }

        It 'lists the XDP programs as bpftool does: device, ifindex, mode and program, with the link where one holds it' {
            $ours = @(Get-BpfNetAttachment -NetworkNamespace $netns -Kind xdp)
            $theirs = @((Get-BpftoolNet $netns).xdp)
            $theirs.Count | Should -Be 2 -Because 'the test attached two XDP programs in this namespace'
            $ours.Count | Should -Be $theirs.Count
            for ($i = 0; $i -lt $theirs.Count; $i++) {
                $ours[$i].Interface | Should -Be $theirs[$i].devname
                $ours[$i].InterfaceIndex | Should -Be $theirs[$i].ifindex
                "$($ours[$i].XdpMode)".ToLowerInvariant() | Should -Be $theirs[$i].mode
                $ours[$i].ProgramId | Should -Be $theirs[$i].id
                "$($ours[$i].AttachType)" | Should -Be 'xdp'
                $ours[$i].NetworkNamespace | Should -Be $netns
            }

            $native = $ours | Where-Object Interface -eq atv0
            $native.ProgramId | Should -Be $xdp.Programs.xdp_count.Id
            $native.ProgramName | Should -Be 'xdp_count'
            $native.LinkId | Should -Be $xdpLink.Id
            $bpftoolLink = Get-BpftoolLinks | Where-Object id -eq $native.LinkId
            # bpftool 7.1 shows an XDP link's type and program, not its interface
            $bpftoolLink.type | Should -Be 'xdp'
            $bpftoolLink.prog_id | Should -Be $native.ProgramId
            $generic = $ours | Where-Object Interface -eq atw1
            "$($generic.XdpMode)" | Should -Be 'Generic'
            $generic.LinkId | Should -BeNullOrEmpty -Because 'ip(8) attaches XDP over netlink, without a link'
            $generic.ProgramId | Should -Not -BeIn $ourIds -Because 'ip(8) loaded its own copy of the program'
        }

        It 'lists the classic tc filters as bpftool and tc do: side, name, program, priority, handle and direct-action' {
            $ours = @(Get-BpfNetAttachment -NetworkNamespace $netns -Interface atv0 -Kind tc)
            $theirs = @((Get-BpftoolNet $netns atv0).tc)
            $theirs.Count | Should -Be 3
            $ours.Count | Should -Be $theirs.Count
            for ($i = 0; $i -lt $theirs.Count; $i++) {
                $ours[$i].Interface | Should -Be $theirs[$i].devname
                $ours[$i].InterfaceIndex | Should -Be $theirs[$i].ifindex
                "clsact/$($ours[$i].Direction)" | Should -Be $theirs[$i].kind
                $ours[$i].FilterName | Should -Be $theirs[$i].name
                $ours[$i].ProgramId | Should -Be $theirs[$i].id
            }

            foreach ($side in 'ingress', 'egress') {
                # tc lists a priority's own entry first, then its filters; only the filters have options
                $filters = @(ip netns exec $netns tc -j filter show dev atv0 $side | ConvertFrom-Json | Where-Object { $_.options })
                $mine = @($ours | Where-Object Direction -eq $side)
                $mine.Count | Should -Be $filters.Count
                for ($i = 0; $i -lt $filters.Count; $i++) {
                    $mine[$i].Priority | Should -Be $filters[$i].pref
                    ('0x{0:x}' -f $mine[$i].Handle) | Should -Be $filters[$i].options.handle
                    $mine[$i].DirectAction | Should -Be ([bool]$filters[$i].options.'direct-action')
                    $mine[$i].ProgramId | Should -Be $filters[$i].options.prog.id
                    $mine[$i].ProgramName | Should -Be $filters[$i].options.prog.name
                    $mine[$i].Order | Should -Be $i
                    $mine[$i].LinkId | Should -BeNullOrEmpty -Because 'tc filters are no BPF links'
                }
            }

            $in = @($ours | Where-Object Direction -eq ingress)
            $in.Priority | Should -Be @(10, 20)
            $in.ProgramId | Should -Be @($tc.Programs.tc_count_in.Id, $tc.Programs.tc_count_out.Id)
            $in[1].Handle | Should -Be 5
            $in[0].Handle | Should -Be $tc10.Handle
            ($ours | Where-Object Direction -eq egress).Priority | Should -Be 7
        }

        It 'lists the tcx chain in run order with each link, as the kernel runs it' {
            $ours = @(Get-BpfNetAttachment -NetworkNamespace $netns -Interface atv0 -Kind tcx)
            $ours.Count | Should -Be 2
            $ours.ProgramId | Should -Be @($tcx.Programs.order_next.Id, $tcx.Programs.order_pass.Id) -Because 'order_next was placed before order_pass'
            $ours.Order | Should -Be @(0, 1)
            $ours.LinkId | Should -Be @($tcxNext.Id, $tcxPass.Id)
            $ours.Direction | Should -Be @('ingress', 'ingress')
            $ours[0].Revision | Should -Be $ours[1].Revision
            $ours[0].Revision | Should -BeGreaterThan 0
            foreach ($a in $ours) {
                $l = Get-BpftoolLinks | Where-Object id -eq $a.LinkId
                $l.prog_id | Should -Be $a.ProgramId -Because 'bpftool 7.1 names tcx links by number only (type 11)'
                "$($l.type)" | Should -BeIn @('tcx', '11')
            }

            # the order as the kernel runs it: order_next hands on (TCX_NEXT), so order_pass after it counts the same packets
            ip netns exec $peer bash -c 'for i in 1 2 3; do echo psbpf > /dev/udp/10.219.7.1/9; sleep 0.1; done'
            Get-Counter $tcx.Maps.order_runs 1 | Should -BeGreaterThan 0 -Because 'the first program in the chain ran'
            Get-Counter $tcx.Maps.order_runs 0 | Should -BeGreaterThan 0 -Because 'the second ran after the first handed on'
        }

        It 'lists the namespace''s flow dissector as bpftool does and its sk_lookup program as bpftool link show does' {
            $ours = @(Get-BpfNetAttachment -NetworkNamespace $netns | Where-Object Kind -in flow_dissector, sk_lookup)
            $ours.Count | Should -Be 2
            $ino = [uint64](stat -L -c %i "/run/netns/$netns")
            $dissector = $ours | Where-Object Kind -eq flow_dissector
            $theirs = @((Get-BpftoolNet $netns).flow_dissector)
            $theirs.Count | Should -Be 1
            $dissector.ProgramId | Should -Be $theirs[0].id
            $dissector.ProgramId | Should -Be $fd.Programs.dissect_ipv4.Id
            $dissector.LinkId | Should -Be $fdLink.Id
            $dissector.Interface | Should -BeNullOrEmpty
            foreach ($a in $ours) {
                $a.NetnsInode | Should -Be $ino
                $l = Get-BpftoolLinks | Where-Object id -eq $a.LinkId
                $l.type | Should -Be 'netns'
                [uint64]$l.netns_ino | Should -Be $ino
                $l.attach_type | Should -Be "$($a.AttachType)"
                $l.prog_id | Should -Be $a.ProgramId
            }

            ($ours | Where-Object Kind -eq sk_lookup).LinkId | Should -Be $sklLink.Id
        }

        It 'takes -Interface as a name or an index, and lists no namespace-wide programs for one interface' {
            $byName = @(Get-BpfNetAttachment -NetworkNamespace $netns -Interface atw1)
            $byIndex = @(Get-BpfNetAttachment -NetworkNamespace $netns -Interface "$ifindexW1")
            $byName.Count | Should -Be 1
            ($byIndex | ConvertTo-Json -Compress) | Should -Be ($byName | ConvertTo-Json -Compress)
            $byName[0].Kind | Should -Be 'xdp'
            @(Get-BpfNetAttachment -NetworkNamespace $netns -Interface "$ifindex0").Count | Should -Be 6 -Because 'atv0 has an XDP program, three tc filters and two tcx programs'
            @(Get-BpfNetAttachment -NetworkNamespace $netns -Interface atv0).Kind | ForEach-Object { "$_" } | Sort-Object -Unique | Should -Be @('tc', 'tcx', 'xdp')
        }

        It 'takes the namespace as a path as well as a name, and sees nothing of it from the host namespace' {
            $byPath = @(Get-BpfNetAttachment -NetworkNamespace "/run/netns/$netns")
            $byPath.Count | Should -Be @(Get-BpfNetAttachment -NetworkNamespace $netns).Count
            $byPath.ProgramId | Should -Contain $xdp.Programs.xdp_count.Id
            (Get-BpfNetAttachment).ProgramId | Should -Not -Contain $xdp.Programs.xdp_count.Id
        }

        It 'reports a missing interface or namespace as BpfTargetNotFound' {
            { Get-BpfNetAttachment -NetworkNamespace $netns -Interface atv9 -ErrorAction Stop } |
                Should -Throw -ErrorId 'BpfTargetNotFound,PSBpf.Commands.GetBpfNetAttachmentCommand'
            { Get-BpfNetAttachment -NetworkNamespace "$netns-none" -ErrorAction Stop } |
                Should -Throw -ErrorId 'BpfTargetNotFound,PSBpf.Commands.GetBpfNetAttachmentCommand'
        }

        It 'detaches everything it lists through Remove-BpfAttachment: links, netlink XDP and tc filters, as bpftool confirms' {
            $listed = @(Get-BpfNetAttachment -NetworkNamespace $netns)
            $listed.Count | Should -Be 9
            $linkIds = @($listed.LinkId | Where-Object { $_ })
            $linkIds.Count | Should -Be 5
            $listed | Remove-BpfAttachment -WhatIf
            @(Get-BpfNetAttachment -NetworkNamespace $netns).Count | Should -Be 9 -Because '-WhatIf detaches nothing'
            $listed | Remove-BpfAttachment -Confirm:$false -ErrorAction Stop
            $net = Get-BpftoolNet $netns
            @($net.xdp) | Should -BeNullOrEmpty
            @($net.tc) | Should -BeNullOrEmpty
            @($net.flow_dissector) | Should -BeNullOrEmpty
            Wait-Until { -not (Get-BpftoolLinks | Where-Object id -in $linkIds) } | Should -BeTrue -Because 'the links are detached'
            @(ip netns exec $netns tc -j filter show dev atv0 ingress | ConvertFrom-Json) | Should -BeNullOrEmpty
            @(ip netns exec $netns tc -j filter show dev atv0 egress | ConvertFrom-Json) | Should -BeNullOrEmpty
            @(Get-BpfNetAttachment -NetworkNamespace $netns) | Should -BeNullOrEmpty
        }
    }

    Context 'a flow dissector attached without a link by bpftool' -Tag Root {
        BeforeEach {
            if (-not $isRoot) { Set-ItResult -Skipped -Because 'attaching programs needs root (CAP_NET_ADMIN, CAP_BPF)'; return }
            $netns = "attached-pester-fd-$PID-$(Get-Random -Maximum 100000)"
            ip netns add $netns
            $pin = "/sys/fs/bpf/attached-pester-fd-$PID"
            bpftool prog load (Join-Path $fixtures 'flow_dissector.bpf.o') $pin type flow_dissector
            $id = [uint32](bpftool -j prog show pinned $pin | ConvertFrom-Json).id
        }

        AfterEach {
            if ($isRoot) {
                Remove-Item -LiteralPath $pin -ErrorAction SilentlyContinue
                ip netns del $netns 2>$null
            }
        }

        It 'lists it with no link and detaches it with BPF_PROG_DETACH' {
            ip netns exec $netns bpftool prog attach id $id flow_dissector
            $a = Get-BpfNetAttachment -NetworkNamespace $netns
            $a.Kind | Should -Be 'flow_dissector'
            $a.ProgramId | Should -Be $id
            $a.ProgramId | Should -Be (Get-BpftoolNet $netns).flow_dissector[0].id
            $a.LinkId | Should -BeNullOrEmpty
            $a | Remove-BpfAttachment -Confirm:$false -ErrorAction Stop
            @((Get-BpftoolNet $netns).flow_dissector) | Should -BeNullOrEmpty
        }
    }

    Context 'netkit devices' -Tag Root {
        BeforeAll {
            $script:netkitReason = $null
            if (-not $isRoot) { return }
            $script:nkns = "attached-pester-nk-$PID-$(Get-Random -Maximum 100000)"
            ip netns add $nkns
            $out = ip -n $nkns link add atnk0 type netkit 2>&1
            if ($LASTEXITCODE -ne 0) { $script:netkitReason = "this kernel or ip(8) has no netkit devices: ip link add type netkit says '$out'" }
        }

        AfterAll {
            if ($isRoot) { ip netns del $nkns 2>$null }
        }

        It 'queries the netkit hooks of a netkit device (empty until something attaches)' {
            if (-not $isRoot) { Set-ItResult -Skipped -Because 'creating devices needs root'; return }
            if ($netkitReason) { Set-ItResult -Skipped -Because $netkitReason; return }
            # PSBpf attaches no netkit programs yet and bpftool 7.1 cannot either: a fresh pair has none on either hook,
            # and listing it must neither fail nor report the tcx hooks as netkit ones
            @(Get-BpfNetAttachment -NetworkNamespace $nkns -Interface atnk0 -ErrorAction Stop) | Should -BeNullOrEmpty
        }
    }
}
