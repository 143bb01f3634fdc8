using PSBpf.Engine.Asm;
using PSBpf.Engine.Btf;

namespace PSBpf.Engine.Loader;

/// <summary>
/// What one CO-RE relocation did to one instruction: the local and target types, the value the compiler
/// put in (from the object's BTF) and the value patched in (from the target BTF), or that it was poisoned.
/// </summary>
public sealed class CoreRelocationResult
{
    internal CoreRelocationResult() { }

    /// <summary>Name of the program (or subprogram) whose instruction was relocated.</summary>
    public required string Program { get; init; }
    /// <summary>libbpf's "relo #N": the record's index among its ELF section's CO-RE records.</summary>
    public required int RelocationIndex { get; init; }
    /// <summary>Instruction index within the program (program-relative, before subprogram linking).</summary>
    public required int InstructionIndex { get; init; }
    /// <summary>Relocation kind.</summary>
    public required BtfCoreRelocationKind Kind { get; init; }
    /// <summary>Root type id in the object's BTF.</summary>
    public required uint LocalTypeId { get; init; }
    /// <summary>Root type as libbpf prints it, e.g. "struct task_struct".</summary>
    public required string LocalType { get; init; }
    /// <summary>The access string, e.g. "0:95".</summary>
    public required string AccessString { get; init; }
    /// <summary>The local access spec as libbpf logs it, e.g. "&lt;byte_off&gt; [34] struct task_struct.real_parent (0:95 @ offset 1280)".</summary>
    public required string LocalSpec { get; init; }
    /// <summary>Id of the (first) matching target candidate, or null when none matched or no search was needed (TYPE_ID_LOCAL).</summary>
    public uint? TargetTypeId { get; init; }
    /// <summary>The matching target type as libbpf prints it (e.g. "struct task_struct"), or null.</summary>
    public string? TargetType { get; init; }
    /// <summary>The matching target spec as libbpf logs it, or null.</summary>
    public string? TargetSpec { get; init; }
    /// <summary>"vmlinux" or the module whose BTF held the match, or null.</summary>
    public string? TargetBtf { get; init; }
    /// <summary>Number of candidates that matched (all of which agreed).</summary>
    public int MatchingCandidates { get; init; }
    /// <summary>The value computed from the local BTF (what the compiler should have emitted).</summary>
    public ulong OriginalValue { get; init; }
    /// <summary>The value computed from the target BTF and patched in (meaningless when <see cref="Poisoned"/>).</summary>
    public ulong NewValue { get; init; }
    /// <summary>Local load/store size in bytes for field offset relocations (0 when not tracked).</summary>
    public uint OriginalSize { get; init; }
    /// <summary>Target load/store size in bytes (a differing size changes the instruction's size field).</summary>
    public uint NewSize { get; init; }
    /// <summary>Whether the instruction's existing value was checked against <see cref="OriginalValue"/>.</summary>
    public bool Validated { get; init; }
    /// <summary>True when the instruction was replaced by the poisoned call (call 0xbad2310).</summary>
    public bool Poisoned { get; init; }
    /// <summary>The instruction before patching.</summary>
    public BpfInstruction OriginalInstruction { get; init; }
    /// <summary>The instruction after patching.</summary>
    public BpfInstruction PatchedInstruction { get; init; }

    /// <summary>One line for logs: "relo #N: kind, local type, access, target type, old → new".</summary>
    public override string ToString()
    {
        string target = TargetType is null ? "no target" : $"{TargetType} [{TargetTypeId}] in {TargetBtf}";
        string outcome = Poisoned ? $"{OriginalValue} → poisoned" : $"{OriginalValue} → {NewValue}";
        if (!Poisoned && NewSize != OriginalSize) outcome += $" (size {OriginalSize} → {NewSize})";
        return $"prog '{Program}': relo #{RelocationIndex}: {CoreFormat.KindName(Kind)} {LocalType} [{LocalTypeId}] \"{AccessString}\" → {target}, insn #{InstructionIndex}: {outcome}";
    }
}
