namespace PSBpf.Engine;

/// <summary>
/// The objects a host (the PowerShell module) has loaded, held strongly until they are removed or the host releases
/// them all. Strong references on purpose: an object whose only reference was a pipeline
/// (<c>Import-BpfObject x | Invoke-BpfLoad | Add-BpfAttachment</c>) must stay attached, not be detached whenever the
/// garbage collector finalizes its handles; and an object the user still references is never closed behind their back.
/// <see cref="ReleaseAll"/> tears everything down (module removal).
/// </summary>
public sealed class BpfObjectRegistry
{
    private readonly List<BpfObject> _objects = [];

    /// <summary>The live objects, oldest first (objects disposed elsewhere are dropped as they are noticed).</summary>
    public IReadOnlyList<BpfObject> Objects
    {
        get
        {
            lock (_objects)
            {
                _objects.RemoveAll(o => o.IsDisposed);
                return [.. _objects];
            }
        }
    }

    /// <summary>Tracks <paramref name="obj"/> (once, however often it is added).</summary>
    public void Add(BpfObject obj)
    {
        ArgumentNullException.ThrowIfNull(obj);
        lock (_objects)
        {
            _objects.RemoveAll(o => o.IsDisposed);
            if (!_objects.Contains(obj)) _objects.Add(obj);
        }
    }

    /// <summary>Stops tracking <paramref name="obj"/> (after Remove-BpfObject tore it down); false when it was not tracked.</summary>
    public bool Remove(BpfObject obj)
    {
        ArgumentNullException.ThrowIfNull(obj);
        lock (_objects) return _objects.Remove(obj);
    }

    /// <summary>
    /// Disposes every tracked object, newest first (detaching its links and closing its maps, programs and BTF; pins
    /// stay, as on Remove-BpfObject without -Unpin), and forgets them. One failure does not stop the rest: the
    /// failures are returned.
    /// </summary>
    public IReadOnlyList<Exception> ReleaseAll()
    {
        List<BpfObject> objects;
        lock (_objects)
        {
            objects = [.. _objects];
            _objects.Clear();
        }

        var failures = new List<Exception>();
        for (int i = objects.Count - 1; i >= 0; i--)
        {
            try
            {
                objects[i].Dispose();
            }
            catch (Exception e)
            {
                failures.Add(e);
            }
        }

        return failures;
    }
}
