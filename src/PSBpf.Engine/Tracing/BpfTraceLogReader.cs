using System.Text;
using PSBpf.Engine.Native;

namespace PSBpf.Engine;

/// <summary>
/// Reads bpf_printk output (and any other trace events) from the kernel's trace_pipe as <see cref="BpfTraceRecord"/>s.
/// trace_pipe is consuming and shared system-wide: what one reader reads, no other reader sees. The fd is non-blocking and
/// waits go through epoll, so a timeout or a cancellation ends a read at once.
/// </summary>
public sealed class BpfTraceLogReader : IDisposable
{
    /// <summary>Where trace_pipe is looked for: tracefs at its own mount point, then under debugfs.</summary>
    public static readonly IReadOnlyList<string> DefaultPaths = ["/sys/kernel/tracing/trace_pipe", "/sys/kernel/debug/tracing/trace_pipe"];

    private readonly BpfFd _fd;
    private readonly Epoll _epoll;
    private readonly TraceClock _clock;
    private readonly byte[] _buffer = new byte[64 * 1024];
    private readonly List<byte> _partial = [];

    /// <summary>Opens trace_pipe: <paramref name="path"/>, or the first of <see cref="DefaultPaths"/> that exists.</summary>
    /// <exception cref="FileNotFoundException">No trace_pipe (tracefs is not mounted).</exception>
    /// <exception cref="UnauthorizedAccessException">tracefs is mounted but this user may not read it.</exception>
    public BpfTraceLogReader(string? path = null)
    {
        if (path is null && !DefaultPaths.Any(File.Exists) && DefaultPaths.Select(System.IO.Path.GetDirectoryName).FirstOrDefault(TraceFsAccess.IsClosed) is { } closed)
        {
            throw TraceFsAccess.Refusal("trace_pipe", closed);
        }

        Path = path ?? DefaultPaths.FirstOrDefault(File.Exists)
            ?? throw new FileNotFoundException($"no trace_pipe at {string.Join(" or ", DefaultPaths)}: tracefs is not mounted (mount -t tracefs tracefs /sys/kernel/tracing)", DefaultPaths[0]);
        if (!File.Exists(Path)) throw new FileNotFoundException($"trace_pipe '{Path}' does not exist", Path);
        _clock = TraceClock.ForTraceDirectory(System.IO.Path.GetDirectoryName(Path)!);
        _fd = LibC.OpenNonBlocking(Path, "trace_pipe");
        try
        {
            _epoll = new Epoll("trace_pipe");
            _epoll.Add(_fd, 0, "trace_pipe");
        }
        catch
        {
            _fd.Dispose();
            throw;
        }
    }

    /// <summary>The trace_pipe being read.</summary>
    public string Path { get; }

    /// <summary>The trace clock timestamps are converted from (trace_clock's selection when the reader opened).</summary>
    public string ClockName => _clock.Name;

    /// <summary>
    /// Waits up to <paramref name="timeout"/> for trace output, then hands every complete line there is to
    /// <paramref name="onRecord"/> (events) or <paramref name="onOther"/> (lines that are not events, e.g. "[LOST n EVENTS]").
    /// Returns the number of records. A cancelled token ends the wait at once with <see cref="OperationCanceledException"/>.
    /// </summary>
    public int Read(TimeSpan timeout, CancellationToken cancellationToken, Action<BpfTraceRecord> onRecord, Action<string>? onOther = null)
    {
        ArgumentNullException.ThrowIfNull(onRecord);
        cancellationToken.ThrowIfCancellationRequested();
        int count = Drain(onRecord, onOther, cancellationToken);
        if (count > 0) return count;

        var ready = new List<ulong>();
        using (cancellationToken.Register(_epoll.Wake))
        {
            if (!_epoll.Wait(timeout, ready)) cancellationToken.ThrowIfCancellationRequested();
        }

        cancellationToken.ThrowIfCancellationRequested();
        return ready.Count > 0 ? Drain(onRecord, onOther, cancellationToken) : 0;
    }

    /// <summary>Bounds one Read: a steady bpf_printk stream must not keep it from returning (timeouts) or from seeing Ctrl+C.</summary>
    private const int MaxReadsPerCall = 16;

    private int Drain(Action<BpfTraceRecord> onRecord, Action<string>? onOther, CancellationToken cancellationToken)
    {
        int count = 0;
        for (int reads = 0; reads < MaxReadsPerCall; reads++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int n = LibC.ReadSome(_fd, _buffer);
            if (n == -Errno.EINTR) continue;
            if (n == -Errno.EAGAIN || n == 0) return count;
            if (n < 0) throw new BpfSyscallException(BpfSystemCall.Read, $"read of {Path}", -n);

            int start = 0;
            for (int i = 0; i < n; i++)
            {
                if (_buffer[i] != (byte)'\n') continue;
                _partial.AddRange(_buffer.AsSpan(start, i - start));
                start = i + 1;
                var line = Encoding.UTF8.GetString(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_partial));
                _partial.Clear();
                if (BpfTraceLineParser.Parse(line, _clock.ToDateTime) is { } record)
                {
                    onRecord(record);
                    count++;
                }
                else if (line.Length > 0)
                {
                    onOther?.Invoke(line);
                }
            }

            _partial.AddRange(_buffer.AsSpan(start, n - start)); // a line the kernel has not finished yet
        }

        return count; // more may be waiting: the caller's next Read sees the fd ready at once
    }

    /// <summary>Closes trace_pipe.</summary>
    public void Dispose()
    {
        _epoll.Dispose();
        _fd.Dispose();
    }
}
