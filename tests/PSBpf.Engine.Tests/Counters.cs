using System.Buffers.Binary;

namespace PSBpf.Engine.Tests;

/// <summary>Reads the fixtures' counters back from their maps.</summary>
internal static class Counters
{
    public static byte[] U32(uint v) => BitConverter.GetBytes(v);

    /// <summary>A u64 at <paramref name="offset"/> of the value under key <paramref name="key"/> (summed over CPUs for per-CPU maps).</summary>
    public static ulong Sum(BpfMap map, uint key, int offset = 0)
    {
        var value = map.Lookup(U32(key));
        if (value is null) return 0;
        if (!BpfMapAccess.IsPerCpu(map.Type)) return BinaryPrimitives.ReadUInt64LittleEndian(value.AsSpan(offset));
        int slot = (int)((map.ValueSize + 7) / 8 * 8);
        ulong sum = 0;
        for (int cpu = 0; cpu * slot < value.Length; cpu++) sum += BinaryPrimitives.ReadUInt64LittleEndian(value.AsSpan(cpu * slot + offset));
        return sum;
    }

    /// <summary>Polls until <paramref name="read"/> passes <paramref name="above"/> (packets are processed asynchronously).</summary>
    public static ulong WaitAbove(Func<ulong> read, ulong above, Action poke)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        ulong v;
        while ((v = read()) <= above && DateTime.UtcNow < deadline)
        {
            poke();
            Thread.Sleep(50);
        }

        return v;
    }

    /// <summary>The link as the kernel lists it, like <c>bpftool link show</c>.</summary>
    public static BpfLinkInfo KernelLink(BpfLink link) =>
        Assert.Single(BpfInspection.GetLinks(includePids: false, includePinnedPaths: false), l => l.Id == link.Id);
}
