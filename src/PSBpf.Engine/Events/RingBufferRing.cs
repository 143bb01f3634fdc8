using PSBpf.Engine.Native;

namespace PSBpf.Engine;

/// <summary>
/// One mapped BPF ring buffer: the consumer page read-write, the producer page and the data area (mapped twice in a row by
/// the kernel, so a record crossing the end reads as one piece) read-only.
/// </summary>
internal sealed unsafe class RingBufferRing : IDisposable
{
    // struct bpf_ringbuf_hdr { u32 len; u32 pg_off; }: the two top bits of len are flags.
    private const uint BusyBit = 1u << 31;
    private const uint DiscardBit = 1u << 30;
    private const int HeaderSize = 8;

    private readonly MappedRegion _consumer;
    private readonly MappedRegion _producer;
    private readonly ulong _mask;
    private readonly byte* _data;

    private RingBufferRing(BpfMap map, MappedRegion consumer, MappedRegion producer, ulong size, BpfRecordHandler? handler)
    {
        Map = map;
        _consumer = consumer;
        _producer = producer;
        _mask = size - 1;
        _data = (byte*)producer.Address + Environment.SystemPageSize;
        Handler = handler;
    }

    public BpfMap Map { get; }

    /// <summary>The ring's own record handler, or null to use the one given to Read.</summary>
    public BpfRecordHandler? Handler { get; }

    public static RingBufferRing Open(BpfMap map, BpfRecordHandler? handler)
    {
        if (map.Type != BpfMapType.ringbuf)
        {
            throw new ArgumentException($"map '{map.Name}' is a {map.Type} map, not a ringbuf", nameof(map));
        }

        if (IntPtr.Size != 8) throw new PlatformNotSupportedException("ring buffer positions are read as 64-bit values");
        var fd = map.LoadedFd();
        ulong size = map.MaxEntries;
        if (size == 0 || (size & (size - 1)) != 0)
        {
            throw new ArgumentException($"ring buffer '{map.Name}' has {size} bytes, not a power of two", nameof(map));
        }

        var page = (nuint)Environment.SystemPageSize;
        string what = $"ring buffer '{map.Name}'";
        var consumer = MappedRegion.Map(fd, page, writable: true, what + " (consumer page)");
        try
        {
            // The kernel refuses a writable mapping of the producer page and data; both are only read here.
            var producer = MappedRegion.Map(fd, page + (nuint)(2 * size), writable: false, what + " (producer page and data)", (long)page);
            return new RingBufferRing(map, consumer, producer, size, handler);
        }
        catch
        {
            consumer.Dispose();
            throw;
        }
    }

    /// <summary>Bytes written by the producer and not yet consumed (busy and discarded records included).</summary>
    public long Pending => (long)(ProducerPosition() - ConsumerPosition());

    /// <summary>Consumes every committed record; stops at the first one still being written.</summary>
    public int Drain(BpfRecordHandler onRecord)
    {
        // Locals, not fields: the loop runs once per record, and the handler call would otherwise force a reload of each.
        ulong* consumerPos = (ulong*)_consumer.Address;
        ulong* producerPos = (ulong*)_producer.Address;
        byte* data = _data;
        ulong mask = _mask;
        int count = 0;
        ulong cons = Volatile.Read(ref *consumerPos);
        while (true)
        {
            bool progressed = false;
            // Acquire: the record headers and data below the producer position are visible once the position is.
            ulong prod = Volatile.Read(ref *producerPos);
            while (cons < prod)
            {
                byte* header = data + (cons & mask);
                // Acquire: the producer clears BUSY with a release store after writing the record.
                uint len = Volatile.Read(ref *(uint*)header);
                if ((len & BusyBit) != 0) return count; // committed in order: nothing after a busy record is readable yet

                progressed = true;
                uint length = len & ~(BusyBit | DiscardBit);
                ulong next = cons + ((length + HeaderSize + 7UL) & ~7UL);
                try
                {
                    if ((len & DiscardBit) == 0)
                    {
                        count++;
                        onRecord(new ReadOnlySpan<byte>(header + HeaderSize, (int)length));
                    }
                }
                finally
                {
                    // Release: the producer may reuse the space only after the handler has finished with it.
                    cons = next;
                    Volatile.Write(ref *consumerPos, cons);
                }
            }

            // New records may have been committed while these were handled; look once more before going back to epoll.
            if (!progressed) return count;
        }
    }

    private ulong ConsumerPosition() => Volatile.Read(ref *(ulong*)_consumer.Address);

    private ulong ProducerPosition() => Volatile.Read(ref *(ulong*)_producer.Address);

    public void Dispose()
    {
        _producer.Dispose();
        _consumer.Dispose();
    }
}
