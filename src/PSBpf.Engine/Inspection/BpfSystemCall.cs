namespace PSBpf.Engine;

/// <summary>Which system call a <see cref="BpfSyscallException"/> reports; for bpf(2), <see cref="BpfSyscallException.Command"/> says which command.</summary>
// 64-bit so that PowerShell's ConvertTo-Json writes the name, not the number (see docs/json-examples.md).
public enum BpfSystemCall : ulong
{
    /// <summary>bpf(2).</summary>
    Bpf,
    /// <summary>perf_event_open(2).</summary>
    PerfEventOpen,
    /// <summary>ioctl(2) on a perf event (PERF_EVENT_IOC_SET_BPF, PERF_EVENT_IOC_ENABLE).</summary>
    PerfEventIoctl,
    /// <summary>A netlink request (rtnetlink: qdiscs, filters, links) or the netlink socket's send and receive.</summary>
    Netlink,
    /// <summary>socket(2).</summary>
    Socket,
    /// <summary>setsockopt(2) (SO_ATTACH_BPF).</summary>
    SetSockOpt,
    /// <summary>open(2) of a file (tracefs, sysfs, procfs).</summary>
    Open,
    /// <summary>open(2) of a namespace file (/run/netns/NAME, /proc/PID/ns/net).</summary>
    OpenNamespace,
    /// <summary>setns(2).</summary>
    SetNs,
    /// <summary>read(2).</summary>
    Read,
    /// <summary>dup(2).</summary>
    Dup,
    /// <summary>fstatfs(2).</summary>
    Fstatfs,
    /// <summary>mmap(2).</summary>
    Mmap,
    /// <summary>epoll_create1(2), epoll_ctl(2), epoll_wait(2).</summary>
    Epoll,
    /// <summary>eventfd(2).</summary>
    EventFd,
    /// <summary>clock_gettime(2).</summary>
    ClockGetTime,
    /// <summary>statx(2).</summary>
    Statx,
}
