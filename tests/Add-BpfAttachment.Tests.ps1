#Requires -Version 7.6
#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0.0' }
<#
    Pester 5 suite for Add-BpfAttachment. Attaching needs root; those tests are tagged Root and skip otherwise.
#>

BeforeAll {
    . (Join-Path $PSScriptRoot 'PSBpf.TestSetup.ps1')
}

Describe 'Add-BpfAttachment' {
    It 'is exported with help' {
        Get-Command Add-BpfAttachment -Module PSBpf | Should -Not -BeNullOrEmpty
        (Get-Help Add-BpfAttachment -Full).Synopsis | Should -Match 'Attach'
    }

    Context 'as root' -Tag Root {
        BeforeEach {
            if (-not $isRoot) { Set-ItResult -Skipped -Because 'loading and attaching BPF programs needs root (CAP_BPF)' }
        }

        It 'auto-attaches from the pipeline and the links show in Get-BpfLink' {
            $o = Import-BpfObject (Join-Path $fixtures 'minimal.bpf.o') | Invoke-BpfLoad
            try {
                $links = @($o | Add-BpfAttachment)
                $links.Count | Should -Be 1
                $links[0].Kind | Should -Be 'tracepoint'
                $links[0].IsAttached | Should -BeTrue
                (Get-BpfLink -Id $links[0].Id).ProgramId | Should -Be $o.Programs.handle_tp.Id
            }
            finally { $o.Dispose() }
        }

        It 'registers struct_ops maps of an object, and Remove-BpfAttachment unregisters them' {
            $o = Import-BpfObject (Join-Path $fixtures 'struct_ops.bpf.o') | Invoke-BpfLoad
            try {
                $links = @($o | Add-BpfAttachment -WarningVariable warnings)
                $links.Count | Should -Be 1
                $links[0].Kind | Should -Be 'struct_ops'
                $links[0].ProgramName | Should -Be 'psbpf_cc'
                $warnings | Should -BeNullOrEmpty   # struct_ops programs need no target of their own
                (Get-Content /proc/sys/net/ipv4/tcp_available_congestion_control) -split ' ' | Should -Contain 'psbpf_cc'
                $o | Remove-BpfAttachment -Confirm:$false
                (Get-Content /proc/sys/net/ipv4/tcp_available_congestion_control) -split ' ' | Should -Not -Contain 'psbpf_cc'
            }
            finally { $o.Dispose() }
        }

        It 'attaches nothing with -WhatIf' {
            $o = Import-BpfObject (Join-Path $fixtures 'minimal.bpf.o') | Invoke-BpfLoad
            try {
                $o | Add-BpfAttachment -WhatIf | Should -BeNullOrEmpty
                $o.Programs.handle_tp.GetLinks().Count | Should -Be 0
            }
            finally { $o.Dispose() }
        }

        It 'warns about programs that need a target' {
            $o = Import-BpfObject (Join-Path $fixtures 'xdp.bpf.o') | Invoke-BpfLoad
            try {
                $o | Add-BpfAttachment -WarningVariable w -WarningAction SilentlyContinue | Should -BeNullOrEmpty
                "$w" | Should -Match 'xdp_count'
            }
            finally { $o.Dispose() }
        }

        It 'reports a missing target for one program as BpfAttachTargetRequired' {
            $o = Import-BpfObject (Join-Path $fixtures 'xdp.bpf.o') | Invoke-BpfLoad
            try {
                { $o.Programs.xdp_count | Add-BpfAttachment -ErrorAction Stop } |
                    Should -Throw -ErrorId 'BpfAttachTargetRequired,PSBpf.Commands.AddBpfAttachmentCommand'
            }
            finally { $o.Dispose() }
        }

        It 'reports an unknown interface as BpfAttachFailed' {
            $o = Import-BpfObject (Join-Path $fixtures 'xdp.bpf.o') | Invoke-BpfLoad
            try {
                { $o.Programs.xdp_count | Add-BpfAttachment -Interface 'psbpf-nope0' -ErrorAction Stop } |
                    Should -Throw -ErrorId 'BpfAttachFailed,PSBpf.Commands.AddBpfAttachmentCommand'
            }
            finally { $o.Dispose() }
        }

        It 'refuses an interface name or a cgroup path holding a NUL (BpfAttachFailed) instead of attaching to the part before it' {
            # as C strings, "lo`0x" would be lo and "<cgroup2 root>`0x" the root cgroup
            $x = Import-BpfObject (Join-Path $fixtures 'xdp.bpf.o') | Invoke-BpfLoad
            $c = Import-BpfObject (Join-Path $fixtures 'cgroup_skb.bpf.o') | Invoke-BpfLoad
            try {
                $x.Programs.xdp_count | Add-BpfAttachment -Interface "lo`0x" -ErrorAction SilentlyContinue -ErrorVariable ev
                $ev.Count | Should -Be 1
                $ev[0].FullyQualifiedErrorId | Should -Be 'BpfAttachFailed,PSBpf.Commands.AddBpfAttachmentCommand'
                $ev[0].Exception.Message | Should -BeLike "no network interface 'lo*x'*"
                $x.Programs.xdp_count.GetLinks() | Should -BeNullOrEmpty
                (ip -j link show lo | ConvertFrom-Json)[0].PSObject.Properties.Name | Should -Not -Contain 'xdp'

                $root = (Get-Content /proc/self/mounts | Where-Object { ($_ -split ' ')[2] -eq 'cgroup2' } | Select-Object -First 1) -split ' ' | Select-Object -Index 1
                $c.Programs.cg_egress | Add-BpfAttachment -CgroupPath "$root`0x" -ErrorAction SilentlyContinue -ErrorVariable ev2
                $ev2.Count | Should -Be 1
                $ev2[0].FullyQualifiedErrorId | Should -Be 'BpfAttachFailed,PSBpf.Commands.AddBpfAttachmentCommand'
                $c.Programs.cg_egress.GetLinks() | Should -BeNullOrEmpty
            }
            finally {
                $x.Dispose()
                $c.Dispose()
            }
        }

        It 'attaches a uprobe to a binary and function' {
            $o = Import-BpfObject (Join-Path $fixtures 'uprobe.bpf.o')
            $o.Programs | ForEach-Object { $_.AutoLoad = $_.Name -eq 'trigger_entry' }
            $o = $o | Invoke-BpfLoad
            try {
                $target = Join-Path $fixtures 'uprobe_target'
                $link = $o.Programs.trigger_entry | Add-BpfAttachment -BinaryPath $target -Symbol psbpf_uprobe_trigger
                $link.Kind | Should -Be 'uprobe'
                & $target 3 | Out-Null
                $o.Globals.entry_calls | Should -Be 3
            }
            finally { $o.Dispose() }
        }

        It 'attaches uprobe.multi to a function pattern with one link, and auto-attaches patterns from SEC()' {
            $o = Import-BpfObject (Join-Path $fixtures 'uprobe_multi.bpf.o')
            $o.Programs | ForEach-Object { $_.AutoLoad = $_.Name -like 'multi_*' }
            $o = $o | Invoke-BpfLoad
            $savedPath = $env:PATH
            try {
                $target = Join-Path $fixtures 'uprobe_target'
                $link = $o.Programs.multi_explicit | Add-BpfAttachment -BinaryPath $target -Symbol 'psbpf_uprobe_*'
                $link.Kind | Should -Be 'uprobe.multi'
                $link.Functions | Sort-Object | Should -Be @('psbpf_uprobe_step_a', 'psbpf_uprobe_step_b', 'psbpf_uprobe_trigger')
                (Get-BpfLink -Id $link.Id).Type | Should -Be 'uprobe_multi'
                # SEC("uprobe.multi/uprobe_target:psbpf_uprobe_step_?") finds the binary in $PATH, as libbpf does
                $env:PATH = "$fixtures`:$env:PATH"
                $auto = @($o | Add-BpfAttachment -Name multi_steps, multi_returns)
                $auto.Kind | Should -Be @('uprobe.multi', 'uretprobe.multi')
                & $target 2 | Out-Null
                $o.Globals.explicit_hits | Should -Be 6
                $o.Globals.step_hits | Should -Be 4
                $o.Globals.all_returns | Should -Be 6
                $auto + $link | Remove-BpfAttachment
                & $target 1 | Out-Null
                $o.Globals.explicit_hits | Should -Be 6
            }
            finally { $env:PATH = $savedPath; $o.Dispose() }
        }

        It 'attaches a usdt program to a probe named by -Provider and -Probe, and auto-attaches SEC("usdt/...")' {
            $u = Import-BpfObject (Join-Path $fixtures 'usdt.bpf.o') | Invoke-BpfLoad
            $saved = $env:PATH, $env:LD_LIBRARY_PATH
            try {
                $target = Join-Path $fixtures 'usdt_target'
                $link = $u.Programs.on_explicit | Add-BpfAttachment -BinaryPath $target -Provider psbpf -Probe memory -Cookie 9
                $link.Kind | Should -Be 'usdt'
                $env:PATH = "$fixtures`:$env:PATH"; $env:LD_LIBRARY_PATH = $fixtures
                $auto = @($u | Add-BpfAttachment -Name on_guarded, on_lib)
                $auto.Kind | Should -Be @('usdt', 'usdt')
                '4' | & $target | Select-Object -Last 1 | Should -Be 'fired 4 sema 1'
                $u.Globals.explicit.args[0..2] | Should -Be @(-4, 12, 60004)
                $u.Globals.explicit.cookie | Should -Be 9
                $u.Globals.guarded.args[0] | Should -Be 4
                $u.Globals.lib.args[0..1] | Should -Be @(4, 5)
                $auto + $link | Remove-BpfAttachment
                '4' | & $target | Select-Object -Last 1 | Should -Be 'fired 4 sema 0'
                $u.Globals.explicit.hits | Should -Be 1
            }
            finally { $env:PATH, $env:LD_LIBRARY_PATH = $saved; $u.Dispose() }
        }

        It 'attaches ksyscall programs to the syscall wrapper, or names the missing kprobes' {
            $o = Import-BpfObject (Join-Path $fixtures 'uprobe_multi.bpf.o')
            $o.Programs | ForEach-Object { $_.AutoLoad = $_.Name -eq 'kretsys_kill' }
            $o = $o | Invoke-BpfLoad
            try {
                if (Test-Path /sys/bus/event_source/devices/kprobe) {
                    ($o | Add-BpfAttachment).Function | Should -Be '__x64_sys_kill'
                }
                else {
                    $o | Add-BpfAttachment -ErrorAction SilentlyContinue -ErrorVariable ev | Should -BeNullOrEmpty
                    $ev[0].FullyQualifiedErrorId | Should -Be 'BpfAttachFailed,PSBpf.Commands.AddBpfAttachmentCommand'
                    $ev[0].Exception.Message | Should -Match 'kretprobe __x64_sys_kill: this kernel has no kprobe PMU.*CONFIG_KPROBES'
                }
            }
            finally { $o.Dispose() }
        }

        Context 'network namespaces, netfilter, perf events, classic tc, legacy cgroup' {
            BeforeAll {
                # a u64 counter of an array map, as the fixtures keep them
                function Get-Counter($map, [uint32]$key) {
                    [uint64](Get-BpfMapEntry -Map $map -Key $key).Value
                }
            }

            BeforeEach {
                $netns = "psbpf-pester-$PID-$(Get-Random -Maximum 100000)"
                if ($isRoot) {
                    ip netns add $netns
                    ip -n $netns link set lo up
                }
            }

            AfterEach {
                if ($isRoot) { ip netns del $netns 2>$null }
            }

            It 'attaches sk_lookup to a network namespace by name and it runs for lookups there' {
                $o = Import-BpfObject (Join-Path $fixtures 'sk_lookup_count.bpf.o') | Invoke-BpfLoad
                try {
                    $link = $o.Programs.count_lookup | Add-BpfAttachment -NetworkNamespace $netns
                    $link.Kind | Should -Be 'netns'
                    (Get-BpfLink -Id $link.Id).AttachType | Should -Be 'sk_lookup'
                    ip netns exec $netns bash -c 'echo psbpf > /dev/udp/127.0.0.1/9'
                    Get-Counter $o.Maps.lookups 1 | Should -BeGreaterThan 0
                    $link | Remove-BpfAttachment -Confirm:$false
                    $link.IsAttached | Should -BeFalse
                }
                finally { $o.Dispose() }
            }

            It 'attaches a flow dissector to a network namespace; it runs for packets received there over a veth pair' {
                $o = Import-BpfObject (Join-Path $fixtures 'flow_dissector.bpf.o') | Invoke-BpfLoad
                $peer = "$netns-p"
                try {
                    ip netns add $peer
                    ip -n $netns link add fdp0 type veth peer name fdp1 netns $peer
                    ip netns exec $netns bash -c 'ip addr add 10.213.8.1/24 dev fdp0 && ip link set fdp0 up && echo 1 > /sys/class/net/fdp0/queues/rx-0/rps_cpus'
                    ip netns exec $peer bash -c 'ip addr add 10.213.8.2/24 dev fdp1 && ip link set fdp1 up'
                    $link = $o.Programs.dissect_ipv4 | Add-BpfAttachment -NetworkNamespace $netns
                    $link.Kind | Should -Be 'netns'
                    $info = Get-BpfLink -Id $link.Id
                    $info.AttachType | Should -Be 'flow_dissector'
                    $info.NetnsInode | Should -Be ([uint32](stat -L -c %i "/run/netns/$netns"))
                    # RPS on the receiving end hashes each packet, which runs the namespace's flow dissector
                    ip netns exec $peer bash -c 'for i in 1 2 3; do echo psbpf > /dev/udp/10.213.8.1/9; sleep 0.1; done'
                    $o.Globals.dissected | Should -BeGreaterThan 0
                    $link | Remove-BpfAttachment -Confirm:$false
                    $link.IsAttached | Should -BeFalse
                }
                finally { $o.Dispose(); ip netns del $peer 2>$null }
            }

            It 'puts an lwt_xmit program on a route it creates with -Route -Interface -Gateway; Remove-BpfAttachment deletes the route' {
                $o = Import-BpfObject (Join-Path $fixtures 'lwt.bpf.o') | Invoke-BpfLoad
                try {
                    ip -n $netns link add lwp0 type veth peer name lwp1
                    ip netns exec $netns bash -c 'ip addr add 10.213.9.1/24 dev lwp0 && ip link set lwp0 up && ip link set lwp1 up'
                    { $o.Programs.count_xmit | Add-BpfAttachment -Route 10.214.9.0/24 -NetworkNamespace $netns -ErrorAction Stop } |
                        Should -Throw -ErrorId 'BpfAttachTargetRequired,PSBpf.Commands.AddBpfAttachmentCommand'
                    $link = $o.Programs.count_xmit | Add-BpfAttachment -Route 10.214.9.0/24 -Interface lwp0 -Gateway 10.213.9.2 -NetworkNamespace $netns
                    $link.Kind | Should -Be 'lwt'
                    $link.Hook | Should -Be 'xmit'
                    $route = ip -n $netns -j route show 10.214.9.0/24 | ConvertFrom-Json
                    $route.xmit | Should -Be "count_xmit:[$($o.Programs.count_xmit.Id)]"
                    # the route exists now: a second one is the kernel's EEXIST, reported for the program
                    { $o.Programs.count_out | Add-BpfAttachment -Route 10.214.9.0/24 -Interface lwp0 -NetworkNamespace $netns -ErrorAction Stop } |
                        Should -Throw -ErrorId 'BpfAttachFailed,PSBpf.Commands.AddBpfAttachmentCommand'
                    ip netns exec $netns bash -c 'for i in 1 2 3; do echo psbpf > /dev/udp/10.214.9.5/9; done'
                    [uint64](Get-BpfMapEntry -Map $o.Maps.lwt_runs -Key 2).Value | Should -BeGreaterOrEqual 3
                    $link | Remove-BpfAttachment -Confirm:$false
                    $link.IsAttached | Should -BeFalse
                    ip -n $netns route show 10.214.9.0/24 | Should -BeNullOrEmpty
                }
                finally { $o.Dispose() }
            }

            It 'puts an lwt_seg6local program on an SRv6 segment, or names the kernel option that is missing' {
                # iproute2 asks the kernel first: a plain End action; "not supported" means no SRv6 local segments
                ip -n $netns link set lo up
                $probe = ip -n $netns -6 route add fc00:ee::9/128 encap seg6local action End dev lo 2>&1
                $hasSeg6 = $LASTEXITCODE -eq 0
                if ($hasSeg6) { ip -n $netns -6 route del fc00:ee::9/128 } else { "$probe" | Should -Match 'not supported' }
                $o = Import-BpfObject (Join-Path $fixtures 'lwt.bpf.o') | Invoke-BpfLoad
                try {
                    if ($hasSeg6) {
                        $link = $o.Programs.count_seg6 | Add-BpfAttachment -Route fc00:ee::1 -Interface lo -NetworkNamespace $netns
                        $link.Hook | Should -Be 'seg6local'
                        ip -n $netns -6 route show fc00:ee::1/128 | Should -Match 'encap seg6local action End.BPF'
                        $link | Remove-BpfAttachment -Confirm:$false
                    }
                    else {
                        $e = { $o.Programs.count_seg6 | Add-BpfAttachment -Route fc00:ee::1 -Interface lo -NetworkNamespace $netns -ErrorAction Stop } |
                            Should -Throw -ErrorId 'BpfAttachFailed,PSBpf.Commands.AddBpfAttachmentCommand' -PassThru
                        $e.Exception.Message | Should -Match 'fc00:ee::1/128.*count_seg6.*EOPNOTSUPP.*CONFIG_IPV6_SEG6_LWTUNNEL'
                        $o.Programs.count_seg6.GetLinks() | Should -BeNullOrEmpty
                    }
                    ip -n $netns -6 route show fc00:ee::1/128 | Should -BeNullOrEmpty
                }
                finally { $o.Dispose() }
            }

            It 'reports a missing network namespace as BpfAttachFailed' {
                $o = Import-BpfObject (Join-Path $fixtures 'sk_lookup_count.bpf.o') | Invoke-BpfLoad
                try {
                    { $o.Programs.count_lookup | Add-BpfAttachment -NetworkNamespace 'psbpf-no-such-netns' -ErrorAction Stop } |
                        Should -Throw -ErrorId 'BpfAttachFailed,PSBpf.Commands.AddBpfAttachmentCommand'
                }
                finally { $o.Dispose() }
            }

            It 'attaches a netfilter program to a hook and Get-BpfLink shows family, hook and priority' {
                $o = Import-BpfObject (Join-Path $fixtures 'netfilter.bpf.o') | Invoke-BpfLoad
                try {
                    $link = $o.Programs.nf_count | Add-BpfAttachment -NetfilterHook output -ProtocolFamily ipv4 -Priority -100 -NetworkNamespace $netns
                    $link.Kind | Should -Be 'netfilter'
                    $info = Get-BpfLink -Id $link.Id
                    $info.NetfilterProtocolFamily | Should -Be 2
                    $info.NetfilterHook | Should -Be 3
                    $info.NetfilterPriority | Should -Be -100
                    ip netns exec $netns bash -c 'echo psbpf > /dev/udp/127.0.0.1/9'
                    Get-Counter $o.Maps.nf_packets 1 | Should -BeGreaterThan 0
                }
                finally { $o.Dispose() }
            }

            It 'attaches sk_msg to a sockmap with -Map; it runs for a loopback TCP pair put in the map, and stops once removed' {
                $o = Import-BpfObject (Join-Path $fixtures 'sockmap_count.bpf.o') | Invoke-BpfLoad
                $listener = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
                try {
                    $link = $o.Programs.count_msg | Add-BpfAttachment -Map $o.Maps.socks
                    $link.Kind | Should -Be 'sockmap'
                    $info = Get-BpfLink -Id $link.Id
                    $info.Type | Should -Be 'sockmap'
                    $info.AttachType | Should -Be 'sk_msg_verdict'
                    $info.MapId | Should -Be $o.Maps.socks.Id
                    $listener.Start()
                    $client = [System.Net.Sockets.TcpClient]::new()
                    $client.Connect([System.Net.IPAddress]::Loopback, $listener.LocalEndpoint.Port)
                    $server = $listener.AcceptTcpClient()
                    Set-BpfMapEntry -Map $o.Maps.socks -Key 0 -Value ([uint64]$client.Client.Handle.ToInt64())
                    $null = $client.Client.Send([byte[]](1, 2, 3))
                    $buffer = [byte[]]::new(8)
                    $server.Client.Receive($buffer) | Should -Be 3
                    Get-Counter $o.Maps.counts 0 | Should -BeGreaterThan 0
                    $link | Remove-BpfAttachment -Confirm:$false
                    $link.IsAttached | Should -BeFalse
                    Get-BpfLink | Where-Object Type -eq 'sockmap' | Where-Object ProgramId -eq $o.Programs.count_msg.Id | Should -BeNullOrEmpty
                    $client.Dispose(); $server.Dispose()
                }
                finally { $listener.Stop(); $o.Dispose() }
            }

            It 'attaches sk_reuseport to the SO_REUSEPORT group of a -Socket; it counts each datagram until removed' {
                $o = Import-BpfObject (Join-Path $fixtures 'reuseport_count.bpf.o') | Invoke-BpfLoad
                $a = [System.Net.Sockets.Socket]::new('InterNetwork', 'Dgram', 'Udp')
                $b = [System.Net.Sockets.Socket]::new('InterNetwork', 'Dgram', 'Udp')
                try {
                    foreach ($s in $a, $b) { $s.SetRawSocketOption(1, 15, [BitConverter]::GetBytes([int]1)) } # SO_REUSEPORT
                    $a.Bind([System.Net.IPEndPoint]::new([System.Net.IPAddress]::Loopback, 0))
                    $b.Bind($a.LocalEndPoint)
                    $link = $o.Programs.count_select | Add-BpfAttachment -Socket $a
                    $link.Kind | Should -Be 'sk_reuseport'
                    $udp = [System.Net.Sockets.UdpClient]::new()
                    $null = $udp.Send([byte[]](1, 2), 2, $a.LocalEndPoint)
                    $udp.Dispose()
                    Start-Sleep -Milliseconds 100
                    Get-Counter $o.Maps.selections 0 | Should -Be 1
                    $link | Remove-BpfAttachment -Confirm:$false
                    $link.IsAttached | Should -BeFalse
                }
                finally { $a.Dispose(); $b.Dispose(); $o.Dispose() }
            }

            It 'reports a map that is not a sockmap as BpfAttachFailed' {
                $o = Import-BpfObject (Join-Path $fixtures 'sockmap_count.bpf.o') | Invoke-BpfLoad
                try {
                    { $o.Programs.count_msg | Add-BpfAttachment -Map $o.Maps.counts -ErrorAction Stop } |
                        Should -Throw -ErrorId 'BpfAttachFailed,PSBpf.Commands.AddBpfAttachmentCommand'
                    @(Get-BpfLink | Where-Object Type -eq 'sockmap').Count | Should -Be 0
                }
                finally { $o.Dispose() }
            }

            It 'samples every online CPU with a perf_event program from a hashtable event' {
                $o = Import-BpfObject (Join-Path $fixtures 'perf_event_count.bpf.o') | Invoke-BpfLoad
                try {
                    $link = $o.Programs.count_sample | Add-BpfAttachment -PerfEvent @{ Type = 1; Config = 0; SamplePeriod = 1000000 }
                    $link.Kind | Should -Be 'perf_event'
                    $link.LinkIds.Count | Should -Be $link.Cpus.Count
                    $until = (Get-Date).AddSeconds(1)
                    while ((Get-Date) -lt $until) { $null = 1..1000 | Measure-Object -Sum }
                    # a per-CPU counter: the sum over CPUs of the samples taken
                    (Get-BpfMapEntry -Map $o.Maps.samples -Key 0).Value | Measure-Object -Sum |
                        Select-Object -ExpandProperty Sum | Should -BeGreaterThan 0
                    $link | Remove-BpfAttachment -Confirm:$false
                    $link.IsAttached | Should -BeFalse
                }
                finally { $o.Dispose() }
            }

            It 'attaches a classic tc filter that tc lists with our program id' {
                $o = Import-BpfObject (Join-Path $fixtures 'tc_classic.bpf.o') | Invoke-BpfLoad
                $veth = "pbpst$(Get-Random -Maximum 100000)"
                ip link add $veth type veth peer name "$($veth)p"
                try {
                    $link = $o.Programs.tc_count_in | Add-BpfAttachment -Interface $veth -AttachType tcx_ingress -TcMode Classic
                    $link.Kind | Should -Be 'tc'
                    $link.CreatedQdisc | Should -BeTrue
                    $filters = tc -j filter show dev $veth ingress | ConvertFrom-Json
                    ($filters | Where-Object { $_.options.prog.id -eq $o.Programs.tc_count_in.Id }) | Should -Not -BeNullOrEmpty
                    $link | Remove-BpfAttachment -Confirm:$false
                    (tc -j qdisc show dev $veth | ConvertFrom-Json | Where-Object kind -eq 'clsact') | Should -BeNullOrEmpty
                }
                finally {
                    $o.Dispose()
                    ip link del $veth 2>$null
                }
            }

            It 'places a tcx program before another with -TcxBefore' {
                $o = Import-BpfObject (Join-Path $fixtures 'tcx_order.bpf.o') | Invoke-BpfLoad
                $veth = "pbpst$(Get-Random -Maximum 100000)"
                ip link add $veth type veth peer name "$($veth)p"
                try {
                    $null = $o.Programs.order_pass | Add-BpfAttachment -Interface $veth
                    $link = $o.Programs.order_next | Add-BpfAttachment -Interface $veth -TcxBefore $o.Programs.order_pass.Id
                    $link.Kind | Should -Be 'tcx'
                    (Get-BpfLink -Id $link.Id).AttachType | Should -Be 'tcx_ingress'
                }
                finally {
                    $o.Dispose()
                    ip link del $veth 2>$null
                }
            }

            It 'attaches a cgroup program with BPF_PROG_ATTACH when asked for -Legacy' {
                $o = Import-BpfObject (Join-Path $fixtures 'cgroup_skb.bpf.o') | Invoke-BpfLoad
                $cg = Join-Path $cgroup2Root "psbpf-pester-$PID-$(Get-Random -Maximum 100000)"
                $null = New-Item -ItemType Directory -Path $cg
                try {
                    $link = $o.Programs.cg_egress | Add-BpfAttachment -CgroupPath $cg -Legacy
                    $link.Kind | Should -Be 'cgroup'
                    $link.Id | Should -BeNullOrEmpty
                    (bpftool -j cgroup show $cg | ConvertFrom-Json).id | Should -Contain $o.Programs.cg_egress.Id
                    $link | Remove-BpfAttachment -Confirm:$false
                    bpftool -j cgroup show $cg | Should -BeNullOrEmpty
                }
                finally {
                    $o.Dispose()
                    rmdir $cg  # cgroupfs: the directory goes as a whole, its control files cannot be removed one by one
                }
            }

            It 'names a directory that is no cgroup v2 directory (BpfAttachFailed), with and without -Legacy' {
                $o = Import-BpfObject (Join-Path $fixtures 'cgroup_skb.bpf.o') | Invoke-BpfLoad
                $dir = New-Item -ItemType Directory -Path (Join-Path ([IO.Path]::GetTempPath()) "psbpf-not-cgroup-$PID")
                try {
                    foreach ($legacy in $false, $true) {
                        $o.Programs.cg_egress | Add-BpfAttachment -CgroupPath $dir.FullName -Legacy:$legacy -ErrorAction SilentlyContinue -ErrorVariable ev
                        $ev.Count | Should -Be 1
                        $ev[0].FullyQualifiedErrorId | Should -Be 'BpfAttachFailed,PSBpf.Commands.AddBpfAttachmentCommand'
                        $ev[0].Exception.Message | Should -BeLike "*'$($dir.FullName)' is not a cgroup v2 directory*cgroup2 is mounted at $cgroup2Root*"
                    }
                    $o.Programs.cg_egress.GetLinks() | Should -BeNullOrEmpty
                }
                finally {
                    $o.Dispose()
                    Remove-Item -LiteralPath $dir -Force
                }
            }
        }

        It 'pins the new link with -PinPath; a used path is BpfPinExists' {
            $dir = "/sys/fs/bpf/psbpf-pester-$([guid]::NewGuid().ToString('N').Substring(0, 12))"
            New-Item -ItemType Directory -Path $dir | Out-Null
            $o = Import-BpfObject (Join-Path $fixtures 'minimal.bpf.o') | Invoke-BpfLoad
            try {
                $pin = Join-Path $dir 'handle_tp'
                $link = $o.Programs.handle_tp | Add-BpfAttachment -PinPath $pin
                $link.PinPath | Should -Be $pin
                (Get-BpfLink -PinnedPath $pin).Id | Should -Be $link.Id
                { $o.Programs.handle_tp | Add-BpfAttachment -PinPath $pin -ErrorAction Stop } |
                    Should -Throw -ErrorId 'BpfPinExists,PSBpf.Commands.AddBpfAttachmentCommand'
                $o.Programs.handle_tp.GetLinks().Count | Should -Be 1
                { $o.Programs.handle_tp | Add-BpfAttachment -PinPath '/tmp/psbpf-not-bpffs' -ErrorAction Stop } |
                    Should -Throw -ErrorId 'BpfPinPathInvalid,PSBpf.Commands.AddBpfAttachmentCommand'
            }
            finally { $o | Remove-BpfObject -Unpin; Remove-Item -Recurse -Force $dir }
        }
    }
}
