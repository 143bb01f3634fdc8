using System.Runtime.InteropServices;

namespace PSBpf.Engine.Native;

/// <summary>
/// An epoll instance plus an eventfd registered in it, so that a cancellation token can end a wait at once
/// (writing the eventfd wakes epoll_wait) instead of waiting for a timeout slice to run out.
/// </summary>
internal sealed unsafe class Epoll : IDisposable
{
    /// <summary>epoll data value of the wake-up eventfd; sources use their own index, which is never this.</summary>
    private const ulong WakeToken = ulong.MaxValue;
    private readonly BpfFd _epoll;
    private readonly BpfFd _wake;

    public Epoll(string what)
    {
        int ep = LibC.EpollCreate1(LibC.EpollCloexec);
        if (ep < 0) throw new BpfSyscallException(BpfSystemCall.Epoll, $"epoll_create1 for {what}", Marshal.GetLastPInvokeError());
        _epoll = new BpfFd(ep);
        int ev = LibC.EventFd(0, LibC.EfdCloexec | LibC.EfdNonblock);
        if (ev < 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            _epoll.Dispose();
            throw new BpfSyscallException(BpfSystemCall.EventFd, $"eventfd for {what}", errno);
        }

        _wake = new BpfFd(ev);
        try
        {
            Add(_wake, WakeToken, what);
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>Watches <paramref name="fd"/> for readability; <paramref name="token"/> comes back from <see cref="Wait"/>.</summary>
    public void Add(BpfFd fd, ulong token, string what)
    {
        byte* ev = stackalloc byte[16];
        EpollEvent.Write(new Span<byte>(ev, 16), LibC.EpollIn, token);
        if (LibC.EpollCtl(_epoll.Value, LibC.EpollCtlAdd, fd.Value, ev) < 0)
        {
            throw new BpfSyscallException(BpfSystemCall.Epoll, $"epoll_ctl for {what}", Marshal.GetLastPInvokeError());
        }
    }

    /// <summary>Makes a pending or the next <see cref="Wait"/> return (safe from any thread, e.g. a cancellation callback).</summary>
    public void Wake()
    {
        ulong one = 1;
        bool added = false;
        try
        {
            _wake.DangerousAddRef(ref added);
            LibC.Write(_wake.Value, &one, sizeof(ulong)); // EAGAIN only when the counter is saturated: already awake
        }
        catch (ObjectDisposedException)
        {
            // the reader is gone; nothing to wake
        }
        finally
        {
            if (added) _wake.DangerousRelease();
        }
    }

    /// <summary>
    /// Waits up to <paramref name="timeout"/> for readable sources and adds their tokens to <paramref name="ready"/>.
    /// Returns false when woken through <see cref="Wake"/> (the wake-up is consumed).
    /// </summary>
    public bool Wait(TimeSpan timeout, List<ulong> ready)
    {
        const int MaxEvents = 64;
        int stride = EpollEvent.Size;
        byte* events = stackalloc byte[MaxEvents * 16];
        var deadline = Environment.TickCount64 + (long)Math.Ceiling(Math.Max(0, timeout.TotalMilliseconds));
        while (true)
        {
            long left = Math.Max(0, deadline - Environment.TickCount64);
            int n = LibC.EpollWait(_epoll.Value, events, MaxEvents, (int)Math.Min(left, int.MaxValue));
            if (n < 0)
            {
                int errno = Marshal.GetLastPInvokeError();
                if (errno == Errno.EINTR) continue; // a signal (GC suspension, SIGCHLD) is not a wake-up; wait out the rest
                throw new BpfSyscallException(BpfSystemCall.Epoll, "epoll_wait", errno);
            }

            bool woken = false;
            for (int i = 0; i < n; i++)
            {
                ulong token = EpollEvent.Data(new ReadOnlySpan<byte>(events + (i * stride), stride));
                if (token == WakeToken) woken = true;
                else ready.Add(token);
            }

            if (woken)
            {
                ulong value;
                LibC.Read(_wake.Value, &value, sizeof(ulong)); // reset the counter so the next wait blocks again
                return false;
            }

            return true;
        }
    }

    public void Dispose()
    {
        _wake.Dispose();
        _epoll.Dispose();
    }
}
