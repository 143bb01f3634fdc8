using System.Net;
using System.Net.Sockets;

namespace PSBpf.Engine.Tests;

/// <summary>
/// The other cgroup program types of the section table (cgroup_sock_addr for IPv4 and IPv6, cgroup_sockopt, cgroup_sock's
/// sock_release, cgroup_sysctl, cgroup_device, sock_ops), each attached with its SEC() hook to a cgroup of the test's own,
/// as a link and through BPF_PROG_ATTACH, and driven by a shell moved into that cgroup: TCP and UDP sockets on 127.0.0.1
/// and ::1, a sysctl read, a device open.
/// </summary>
[Collection(KernelCollection.Name)]
public sealed class CgroupHookLinkTests
{
    public static TheoryData<string, BpfAttachType, uint, bool> Hooks => new()
    {
        { "hook_connect4", BpfAttachType.cgroup_inet4_connect, 0, false },
        { "hook_sysctl", BpfAttachType.cgroup_sysctl, 1, false },
        { "hook_dev", BpfAttachType.cgroup_device, 2, false },
        { "hook_sockops", BpfAttachType.cgroup_sock_ops, 3, false },
        { "hook_bind4", BpfAttachType.cgroup_inet4_bind, 4, false },
        { "hook_getsockname4", BpfAttachType.cgroup_inet4_getsockname, 5, false },
        { "hook_getpeername4", BpfAttachType.cgroup_inet4_getpeername, 6, false },
        { "hook_sendmsg4", BpfAttachType.cgroup_udp4_sendmsg, 7, false },
        { "hook_recvmsg4", BpfAttachType.cgroup_udp4_recvmsg, 8, false },
        { "hook_getsockopt", BpfAttachType.cgroup_getsockopt, 9, false },
        { "hook_setsockopt", BpfAttachType.cgroup_setsockopt, 10, false },
        { "hook_connect6", BpfAttachType.cgroup_inet6_connect, 11, false },
        { "hook_bind6", BpfAttachType.cgroup_inet6_bind, 12, false },
        { "hook_getsockname6", BpfAttachType.cgroup_inet6_getsockname, 13, false },
        { "hook_getpeername6", BpfAttachType.cgroup_inet6_getpeername, 14, false },
        { "hook_sendmsg6", BpfAttachType.cgroup_udp6_sendmsg, 15, false },
        { "hook_recvmsg6", BpfAttachType.cgroup_udp6_recvmsg, 16, false },
        { "hook_sock_release", BpfAttachType.cgroup_inet_sock_release, 17, false },
        { "hook_connect4", BpfAttachType.cgroup_inet4_connect, 0, true },
        { "hook_dev", BpfAttachType.cgroup_device, 2, true },
        { "hook_bind4", BpfAttachType.cgroup_inet4_bind, 4, true },
        { "hook_getsockopt", BpfAttachType.cgroup_getsockopt, 9, true },
        { "hook_sendmsg6", BpfAttachType.cgroup_udp6_sendmsg, 15, true },
        { "hook_sock_release", BpfAttachType.cgroup_inet_sock_release, 17, true },
    };

    [Theory]
    [MemberData(nameof(Hooks))]
    public void Cgroup_hook_runs_for_processes_in_the_cgroup_until_detached(string program, BpfAttachType hook, uint slot, bool legacy)
    {
        int before = KernelObjects.BpfHandles();
        using (var listener = new TcpListener(IPAddress.Loopback, 0))
        using (var listener6 = new TcpListener(IPAddress.IPv6Loopback, 0))
        using (var cgroup = new TestCgroup())
        using (var obj = BpfObject.Open(Fixtures.Object("cgroup_hooks")))
        {
            listener.Start();
            listener6.Start();
            int port = ((IPEndPoint)listener.LocalEndpoint).Port;
            int port6 = ((IPEndPoint)listener6.LocalEndpoint).Port;
            // each hook's own trigger: connect(2) for connect4 and sockops, a /proc/sys read, a character device open, and
            // python3 sockets' bind, getsockname, setsockopt, getsockopt, connect, getpeername, UDP sendto and recvfrom, once
            // over IPv4 and once over IPv6 on ::1 (the *6 hooks); closing each socket is a sock_release
            string trigger = $"exec 3<>/dev/tcp/127.0.0.1/{port}; exec 3>&-; cat /proc/sys/kernel/ostype > /dev/null; : < /dev/zero; "
                + "python3 -c \"import socket; s = socket.socket(); s.bind(('127.0.0.1', 0)); s.getsockname(); s.setsockopt(1, 2, 1); s.getsockopt(1, 2); "
                + $"s.connect(('127.0.0.1', {port})); s.getpeername(); s.close(); u = socket.socket(2, 2); u.bind(('127.0.0.1', 0)); u.sendto(b'x', u.getsockname()); u.recvfrom(8); u.close(); "
                + $"s6 = socket.socket(socket.AF_INET6); s6.bind(('::1', 0)); s6.getsockname(); s6.connect(('::1', {port6})); s6.getpeername(); s6.close(); "
                + "u6 = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM); u6.bind(('::1', 0)); u6.sendto(b'x', u6.getsockname()); u6.recvfrom(8); u6.close()\"";
            foreach (var p in obj.Programs) p.AutoLoad = p.Name == program;
            obj.Load();
            var runs = obj.Maps["hook_runs"];
            var prog = obj.Programs[program];
            Assert.False(prog.CanAutoAttach);

            var link = prog.Attach(new BpfAttachOptions { CgroupPath = cgroup.Path, Legacy = legacy });
            Assert.Equal(legacy ? typeof(CgroupProgAttachment) : typeof(CgroupLink), link.GetType());
            if (!legacy) Assert.Equal(hook, Counters.KernelLink(link).AttachType);
            var (exit, stdout, stderr) = Sh.Capture(Bpftool.Path, "-j", "cgroup", "show", cgroup.Path);
            Assert.True(exit == 0, stderr);
            using (var json = System.Text.Json.JsonDocument.Parse(stdout))
            {
                var entry = Assert.Single(json.RootElement.EnumerateArray());
                Assert.Equal(prog.Id, entry.GetProperty("id").GetUInt32());
                Assert.Equal(hook.ToString(), entry.GetProperty("attach_type").GetString());
            }

            Sh.Bash(trigger);
            Assert.Equal(0UL, Counters.Sum(runs, slot));
            cgroup.RunInside(trigger);
            Assert.True(Counters.Sum(runs, slot) >= 1, $"{program} did not run");

            link.Dispose();
            Assert.True(string.IsNullOrWhiteSpace(Sh.Capture(Bpftool.Path, "-j", "cgroup", "show", cgroup.Path).Stdout));
            ulong stopped = Counters.Sum(runs, slot);
            cgroup.RunInside(trigger);
            Assert.Equal(stopped, Counters.Sum(runs, slot));
        }

        Assert.Equal(before, KernelObjects.BpfHandles());
    }
}
