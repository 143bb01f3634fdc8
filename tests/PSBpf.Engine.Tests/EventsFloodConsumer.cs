using System.Buffers.Binary;

namespace PSBpf.Engine.Tests;

/// <summary>
/// Reads events_flood records on a thread of its own while the test produces them: counts them and checks that the
/// sequence numbers run 0, 1, 2, ... without a gap or a repeat.
/// </summary>
internal sealed class EventsFloodConsumer : IDisposable
{
    private readonly IBpfEventReader _reader;
    private readonly Thread _thread;
    private readonly CancellationTokenSource _stop = new();
    private long _received;
    private ulong _expected;
    private readonly int _recordLength;
    private Exception? _error;

    /// <param name="reader">The reader to drain.</param>
    /// <param name="recordLength">The length every record must have: 8 from a ring buffer; 12 from a perf buffer, whose
    /// PERF_SAMPLE_RAW size counts the padding that aligns the sample to 8 bytes (libbpf hands over the same 12).</param>
    public EventsFloodConsumer(IBpfEventReader reader, int recordLength)
    {
        _reader = reader;
        _recordLength = recordLength;
        _thread = new Thread(Run) { IsBackground = true, Name = "events_flood consumer" };
        _thread.Start();
    }

    /// <summary>Records handed over so far.</summary>
    public long Received => Volatile.Read(ref _received);

    /// <summary>The first record out of sequence (or of the wrong size), else null.</summary>
    public string? FirstMisorder { get; private set; }

    /// <summary>The sequence number of the last record received.</summary>
    public ulong LastSeq => _expected - 1;

    /// <summary>Waits until <paramref name="count"/> records have come (or the timeout passed, or the thread failed).</summary>
    public bool WaitFor(long count, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (Received < count && DateTime.UtcNow < deadline && _thread.IsAlive) Thread.Sleep(5);
        return Received >= count;
    }

    /// <summary>Stops the thread and rethrows what it failed with, if anything.</summary>
    public void Stop()
    {
        _stop.Cancel();
        _thread.Join();
        if (_error is not null) throw new InvalidOperationException("the consumer thread failed", _error);
    }

    private void Run()
    {
        try
        {
            while (!_stop.IsCancellationRequested) _reader.Read(TimeSpan.FromMilliseconds(100), _stop.Token, OnRecord);
        }
        catch (OperationCanceledException)
        {
            // stopped
        }
        catch (Exception e)
        {
            _error = e;
        }
    }

    private void OnRecord(ReadOnlySpan<byte> record)
    {
        ulong seq = record.Length >= 8 ? BinaryPrimitives.ReadUInt64LittleEndian(record) : ulong.MaxValue;
        if (FirstMisorder is null && (record.Length != _recordLength || seq != _expected))
        {
            FirstMisorder = $"record #{_received}: {record.Length} bytes, seq {seq}, expected seq {_expected}";
        }

        _expected = seq + 1;
        Volatile.Write(ref _received, _received + 1);
    }

    public void Dispose()
    {
        // No rethrow here: a failing test is already unwinding; Stop() is where errors surface.
        _stop.Cancel();
        _thread.Join();
        _stop.Dispose();
    }
}
