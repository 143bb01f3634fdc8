namespace PSBpf.Commands;

/// <summary>
/// The waits of a Receive-* loop: -Timeout (or no limit with -Wait) cut into slices of at most 250 ms, so the pipeline
/// thread regularly gets control back (stop requests, output). There is always a first wait, even for a zero timeout.
/// </summary>
internal sealed class SlicedDeadline(bool noLimit, TimeSpan timeout)
{
    /// <summary>Longest single wait.</summary>
    private static readonly TimeSpan Slice = TimeSpan.FromMilliseconds(250);

    private readonly long _deadline = noLimit ? long.MaxValue : Environment.TickCount64 + (long)Math.Ceiling(timeout.TotalMilliseconds);
    private bool _first = true;

    /// <summary>False once the deadline has passed (after the first call); otherwise the next wait, zero when none is left.</summary>
    public bool Next(out TimeSpan wait)
    {
        if (!_first && Environment.TickCount64 >= _deadline)
        {
            wait = TimeSpan.Zero;
            return false;
        }

        _first = false;
        long left = _deadline - Environment.TickCount64;
        wait = left <= 0 ? TimeSpan.Zero : TimeSpan.FromMilliseconds(Math.Min(left, Slice.TotalMilliseconds));
        return true;
    }
}
