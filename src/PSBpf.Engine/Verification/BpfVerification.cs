using PSBpf.Engine.Loader;

namespace PSBpf.Engine;

/// <summary>
/// Asks the kernel's verifier about every program of an object without keeping anything loaded (a veristat of its own):
/// per program whether it is accepted, instructions processed, verification time and stack depth.
/// </summary>
public static class BpfVerification
{
    /// <summary>Opens <paramref name="path"/>, verifies its programs (all, or those named) and closes it again.</summary>
    public static IReadOnlyList<BpfProgramVerification> Verify(string path, IEnumerable<string>? programs = null, BpfLoadOptions? options = null)
    {
        using var obj = BpfObject.Open(path);
        return Verify(obj, programs, options);
    }

    /// <summary>
    /// Verifies the programs of an opened (not loaded) object: all of them, or those named, each loaded on its own and
    /// closed at once, with the object's maps created once for all of them. Globals set on the object apply, as they would
    /// at load. Afterwards the object is as it was (opened, not loaded) and the kernel holds nothing of it.
    /// Object-wide failures (BTF, map creation, externs) throw; a program's own failure is reported in its row.
    /// </summary>
    public static IReadOnlyList<BpfProgramVerification> Verify(BpfObject obj, IEnumerable<string>? programs = null, BpfLoadOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(obj);
        var chosen = programs is null ? obj.Programs.ToList() : programs.Distinct(StringComparer.Ordinal).Select(n => obj.Programs.Find(n)
            ?? throw new KeyNotFoundException($"object '{obj.Name}' has no program named '{n}' (it has: {string.Join(", ", obj.Programs.Names)})")).ToList();
        if (chosen.Count == 0) return [];
        return new ObjectVerifier(obj, (options ?? new BpfLoadOptions()) with { LogLevel = 4 }).Verify(chosen);
    }
}
