using PSBpf.Engine.Btf;

namespace PSBpf.Engine.Loader;

/// <summary>
/// A CO-RE relocation that cannot be applied: a malformed access string, ambiguous candidates, an
/// instruction that does not hold the value the compiler should have put there, and the like.
/// (A field or type that merely does not exist in the target is not an error: the instruction is poisoned.)
/// </summary>
public sealed class CoreRelocationException : Exception
{
    internal CoreRelocationException(string program, int relocationIndex, int instructionIndex, BtfCoreRelocation relocation,
        string localType, string detail, int errno, Exception? inner = null)
        : base($"prog '{program}': relo #{relocationIndex}: {detail} ({CoreFormat.KindName(relocation.Kind)} relocation of {localType}, access \"{relocation.AccessString}\", insn #{instructionIndex})", inner)
    {
        Program = program;
        RelocationIndex = relocationIndex;
        InstructionIndex = instructionIndex;
        Kind = relocation.Kind;
        AccessString = relocation.AccessString;
        LocalTypeId = relocation.TypeId;
        LocalType = localType;
        Detail = detail;
        Errno = errno;
    }

    /// <summary>Program (or subprogram) name.</summary>
    public string Program { get; }
    /// <summary>libbpf's "relo #N" (index among the section's CO-RE records).</summary>
    public int RelocationIndex { get; }
    /// <summary>Program-relative instruction index.</summary>
    public int InstructionIndex { get; }
    /// <summary>Relocation kind.</summary>
    public BtfCoreRelocationKind Kind { get; }
    /// <summary>Access string of the relocation.</summary>
    public string AccessString { get; }
    /// <summary>Root type id in the object's BTF.</summary>
    public uint LocalTypeId { get; }
    /// <summary>Root type as libbpf prints it, e.g. "struct ambiguous".</summary>
    public string LocalType { get; }
    /// <summary>What went wrong, in libbpf's words where libbpf has them (e.g. "relocation decision ambiguity: ...").</summary>
    public string Detail { get; }
    /// <summary>The errno libbpf would return (EINVAL, E2BIG, ERANGE, EOPNOTSUPP).</summary>
    public int Errno { get; }
}
