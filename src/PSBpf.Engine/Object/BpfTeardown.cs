namespace PSBpf.Engine;

/// <summary>Tearing an object down as Remove-BpfObject does: unpin on request, detach every link, close everything.</summary>
public static class BpfTeardown
{
    /// <summary>
    /// Disposes <paramref name="obj"/> (detaches the links made through its programs, closes its maps, programs and BTF)
    /// and, with <paramref name="unpin"/>, first removes its pins (<see cref="BpfObject.Unpin"/>): without it, pinned maps
    /// and pinned links outlive the object, as pins are meant to. The object is disposed even when unpinning fails.
    /// Returns the pins removed.
    /// </summary>
    public static IReadOnlyList<string> TearDown(BpfObject obj, bool unpin)
    {
        ArgumentNullException.ThrowIfNull(obj);
        try
        {
            return unpin ? obj.Unpin() : [];
        }
        finally
        {
            obj.Dispose();
        }
    }
}
