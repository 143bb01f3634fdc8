using System.Buffers.Binary;
using PSBpf.Engine.Native;

namespace PSBpf.Engine;

/// <summary>
/// One CPU's BPF output perf event and its mapping: the perf_event_mmap_page, then 2^n data pages the kernel writes
/// records into as a ring (a record may wrap from the end to the start).
/// </summary>
internal sealed unsafe class PerfCpuRing : IDisposable
{
    private readonly MappedRegion _region;
    private readonly ulong _size;
    private byte[] _scratch = new byte[256];

    private PerfCpuRing(int cpu, BpfFd fd, MappedRegion region, ulong size)
    {
        Cpu = cpu;
        Fd = fd;
        _region = region;
        _size = size;
    }

    public int Cpu { get; }
    public BpfFd Fd { get; }

    /// <summary>Records handled so far that wrapped around the end of the ring (copied into one piece).</summary>
    public long WrappedRecords { get; private set; }

    public static PerfCpuRing Open(int cpu, int pages, string what)
    {
        var fd = PerfBpfOutput.Open(cpu, what);
        try
        {
            int page = Environment.SystemPageSize;
            // Read-write: the reader publishes its position in data_tail, which is how the kernel knows space is free.
            var region = MappedRegion.Map(fd, (nuint)((pages + 1) * page), writable: true, $"perf buffer of {what} (cpu {cpu})");
            return new PerfCpuRing(cpu, fd, region, (ulong)pages * (ulong)page);
        }
        catch
        {
            fd.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Handles every record between data_tail and data_head: samples go to <paramref name="onSample"/> (raw data only),
    /// lost-record notices to <paramref name="onLost"/>. Returns the number of samples.
    /// </summary>
    public int Drain(BpfRecordHandler onSample, Action<int, ulong> onLost)
    {
        byte* meta = (byte*)_region.Address;
        byte* data = meta + Environment.SystemPageSize;
        // Acquire: records below data_head are complete once data_head is seen.
        ulong head = Volatile.Read(ref *(ulong*)(meta + PerfBpfOutput.DataHeadOffset));
        ulong tail = *(ulong*)(meta + PerfBpfOutput.DataTailOffset); // only this reader writes it
        int samples = 0;
        try
        {
            while (tail < head)
            {
                ulong offset = tail & (_size - 1);
                // struct perf_event_header { u32 type; u16 misc; u16 size; }: 8-byte aligned, so it never wraps itself.
                var header = new ReadOnlySpan<byte>(data + offset, 8);
                uint type = BinaryPrimitives.ReadUInt32LittleEndian(header);
                int size = BinaryPrimitives.ReadUInt16LittleEndian(header[6..]);
                if (size < 8) throw new InvalidDataException($"perf buffer of cpu {Cpu} has a record of {size} bytes at position {tail}");

                ReadOnlySpan<byte> record;
                if (offset + (ulong)size <= _size)
                {
                    record = new ReadOnlySpan<byte>(data + offset, size);
                }
                else
                {
                    // Wrapped: the tail of the record is at the start of the ring; join both parts.
                    if (_scratch.Length < size) _scratch = new byte[Math.Max(size, _scratch.Length * 2)];
                    int first = (int)(_size - offset);
                    new ReadOnlySpan<byte>(data + offset, first).CopyTo(_scratch);
                    new ReadOnlySpan<byte>(data, size - first).CopyTo(_scratch.AsSpan(first));
                    record = _scratch.AsSpan(0, size);
                    WrappedRecords++;
                }

                tail += (ulong)size;
                if (type == PerfBpfOutput.RecordSample)
                {
                    // PERF_SAMPLE_RAW: u32 size, then the bytes bpf_perf_event_output() wrote (padded to 8 with the size).
                    int raw = (int)BinaryPrimitives.ReadUInt32LittleEndian(record[8..]);
                    samples++;
                    onSample(record.Slice(12, Math.Min(raw, record.Length - 12)));
                }
                else if (type == PerfBpfOutput.RecordLost)
                {
                    // { u64 id; u64 lost; }
                    onLost(Cpu, BinaryPrimitives.ReadUInt64LittleEndian(record[16..]));
                }
            }
        }
        finally
        {
            // Release: the kernel may overwrite the records only after they were handled.
            Volatile.Write(ref *(ulong*)(meta + PerfBpfOutput.DataTailOffset), tail);
        }

        return samples;
    }

    public void Dispose()
    {
        _region.Dispose();
        Fd.Dispose();
    }
}
