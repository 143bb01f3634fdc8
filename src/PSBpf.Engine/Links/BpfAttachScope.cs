namespace PSBpf.Engine;

/// <summary>
/// Attaches several programs as one step: either every attachment made through it is kept (<see cref="Complete"/>) or,
/// when the step is cancelled or fails, disposing the scope detaches them all again, newest first. So Ctrl+C during a
/// long auto-attach leaves nothing half attached.
/// </summary>
public sealed class BpfAttachScope : IDisposable
{
    private readonly List<BpfLink> _links = [];
    private readonly CancellationToken _cancel;
    private bool _completed;

    /// <summary>Starts a scope; <paramref name="cancellationToken"/> is checked before and after each attachment.</summary>
    public BpfAttachScope(CancellationToken cancellationToken = default) => _cancel = cancellationToken;

    /// <summary>The links made so far.</summary>
    public IReadOnlyList<BpfLink> Links => _links;

    /// <summary>
    /// Attaches <paramref name="program"/> (from its section name when <paramref name="options"/> is null) and keeps the
    /// link in the scope; <paramref name="pinPath"/> also pins it. Throws <see cref="OperationCanceledException"/> when the
    /// token was cancelled before or during the attach (a link made meanwhile is detached at once).
    /// </summary>
    public BpfLink Attach(BpfProgram program, BpfAttachOptions? options = null, string? pinPath = null)
    {
        ArgumentNullException.ThrowIfNull(program);
        return Keep(() => BpfAttacher.Attach(program, options), pinPath);
    }

    /// <summary>Registers the struct_ops map <paramref name="structOps"/> (<see cref="BpfMap.Attach"/>) and keeps the registration in the scope.</summary>
    public BpfLink Attach(BpfMap structOps, string? pinPath = null)
    {
        ArgumentNullException.ThrowIfNull(structOps);
        return Keep(structOps.Attach, pinPath);
    }

    private BpfLink Keep(Func<BpfLink> attach, string? pinPath)
    {
        ObjectDisposedException.ThrowIf(_completed, this);
        _cancel.ThrowIfCancellationRequested();
        // a pin path already in use fails before anything is attached (the attach itself may refuse a second link
        // of the same program with its own error, e.g. EEXIST on a tracepoint, which would hide the real cause)
        if (pinPath is not null) BpfPinPath.ValidateNew(pinPath);
        var link = attach();
        try
        {
            if (pinPath is not null) link.Pin(pinPath);
        }
        catch
        {
            link.Dispose(); // a link that could not be pinned as asked is not kept
            throw;
        }

        _links.Add(link); // from here on a cancellation or a later failure rolls it back with the rest
        _cancel.ThrowIfCancellationRequested();
        return link;
    }

    /// <summary>Keeps every link made; the scope is finished. Returns them in attach order.</summary>
    public IReadOnlyList<BpfLink> Complete()
    {
        _completed = true;
        return [.. _links];
    }

    /// <summary>Unless completed: removes the pins made and detaches every link, newest first.</summary>
    public void Dispose()
    {
        if (_completed) return;
        _completed = true;
        for (int i = _links.Count - 1; i >= 0; i--) Release(_links[i]);
        _links.Clear();
    }

    /// <summary>
    /// Attaches every program in order; if cancelled or any attach fails, the links made so far are detached (and their pins
    /// removed) and the exception propagates. <paramref name="attached"/> runs after each attachment (progress, tests).
    /// </summary>
    public static IReadOnlyList<BpfLink> AttachAll(IEnumerable<BpfProgram> programs, BpfAttachOptions? options, CancellationToken cancellationToken, Action<BpfLink>? attached = null)
    {
        ArgumentNullException.ThrowIfNull(programs);
        using var scope = new BpfAttachScope(cancellationToken);
        foreach (var p in programs)
        {
            var link = scope.Attach(p, options);
            attached?.Invoke(link);
            cancellationToken.ThrowIfCancellationRequested();
        }

        return scope.Complete();
    }

    /// <summary>Unpins and detaches one link; a failure there must not stop the rollback of the others (nor hide why it rolled back).</summary>
    private static void Release(BpfLink link)
    {
        try
        {
            link.Unpin();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or BpfSyscallException)
        {
            // the pin stays; the link is still detached below, and the pin alone then holds it (as any pin would)
        }

        try
        {
            link.Dispose();
        }
        catch (Exception e) when (e is BpfSyscallException or IOException or InvalidOperationException)
        {
            // the kernel refused the detach; its fd is closed by then, the rest of the scope still goes
        }
    }
}
