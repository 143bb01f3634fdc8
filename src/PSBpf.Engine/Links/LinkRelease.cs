namespace PSBpf.Engine;

/// <summary>
/// Releases a set of links. Closing a perf-event link (tracepoint, kprobe, uprobe) returns only after the kernel's RCU
/// grace period for the unregistered event; closes on separate threads wait in the same grace period, so an object
/// with n such links detaches in about the time of one instead of n.
/// </summary>
internal static class LinkRelease
{
    private const int MaxThreads = 16;

    /// <summary>
    /// Disposes every link. A link that fails to detach (a syscall or netlink error) does not stop the rest; any other
    /// exception is rethrown after all links were tried.
    /// </summary>
    public static void DisposeAll(IReadOnlyList<BpfLink> links)
    {
        var waiting = new Queue<BpfLink>(links.Where(l => l.ReleaseWaitsForKernel));
        Exception? unexpected = null;
        void Release(BpfLink link)
        {
            try { link.Dispose(); }
            catch (Exception e) when (e is BpfSyscallException or IOException or InvalidOperationException) { }
            catch (Exception e) { Interlocked.CompareExchange(ref unexpected, e, null); }
        }
        void Drain()
        {
            while (true)
            {
                BpfLink link;
                lock (waiting)
                {
                    if (!waiting.TryDequeue(out link!)) return;
                }
                Release(link);
            }
        }

        // this thread is one of the workers, so a single waiting link costs no thread
        var threads = new Thread[Math.Clamp(waiting.Count - 1, 0, MaxThreads - 1)];
        for (int i = 0; i < threads.Length; i++)
        {
            threads[i] = new Thread(Drain) { IsBackground = true, Name = "PSBpf link release" };
            threads[i].Start();
        }
        foreach (var link in links.Where(l => !l.ReleaseWaitsForKernel)) Release(link);
        Drain();
        foreach (var t in threads) t.Join();
        if (unexpected is not null) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(unexpected);
    }
}
