using System.Runtime.InteropServices;

namespace PSBpf.Engine.Native;

/// <summary>struct perf_event_attr (the fields through config2; the rest stays zero).</summary>
[StructLayout(LayoutKind.Sequential, Size = 128)]
internal struct PerfEventAttr
{
    public uint type;
    public uint size;
    public ulong config;
    public ulong sample_period;
    public ulong sample_type;
    public ulong read_format;
    public ulong flags;
    public uint wakeup_events;
    public uint bp_type;
    public ulong config1;
    public ulong config2;
}
