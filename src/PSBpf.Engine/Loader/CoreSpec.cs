using System.Text;
using PSBpf.Engine.Btf;

namespace PSBpf.Engine.Loader;

/// <summary>
/// A parsed CO-RE access (libbpf's bpf_core_spec) against one BTF: the high-level accessors (named fields
/// and array indices), the raw access string indices, and the resulting bit offset.
/// </summary>
/// <remarks>
/// The arrays are fixed-size and "popped" by decrementing the lengths, exactly like libbpf's spec, because
/// libbpf logs partially matched candidate specs and the log must come out identical.
/// </remarks>
internal sealed class CoreSpec
{
    /// <summary>BPF_CORE_SPEC_MAX_LEN.</summary>
    public const int MaxLength = 64;

    public CoreSpec(BtfSpec btf, uint rootTypeId, BtfCoreRelocationKind kind)
    {
        Btf = btf;
        RootTypeId = rootTypeId;
        Kind = kind;
    }

    public BtfSpec Btf { get; }
    /// <summary>The root type id as given (typedefs and modifiers not skipped).</summary>
    public uint RootTypeId { get; }
    public BtfCoreRelocationKind Kind { get; }
    public CoreAccessor[] Accessors { get; } = new CoreAccessor[MaxLength];
    /// <summary>Number of valid <see cref="Accessors"/>.</summary>
    public int Length { get; set; }
    public int[] Raw { get; } = new int[MaxLength];
    /// <summary>Number of valid <see cref="Raw"/> entries.</summary>
    public int RawLength { get; set; }
    /// <summary>Bit offset of the accessed field from the root (32-bit wrap-around like libbpf's __u32).</summary>
    public uint BitOffset { get; set; }

    public CoreAccessor Last => Accessors[Length - 1];

    public void Push(CoreAccessor accessor) => Accessors[Length++] = accessor;

    public void PushRaw(int index) => Raw[RawLength++] = index;

    public CoreSpec Clone()
    {
        var c = new CoreSpec(Btf, RootTypeId, Kind) { Length = Length, RawLength = RawLength, BitOffset = BitOffset };
        Array.Copy(Accessors, c.Accessors, MaxLength);
        Array.Copy(Raw, c.Raw, MaxLength);
        return c;
    }

    /// <summary>libbpf's bpf_core_format_spec: "&lt;byte_off&gt; [34] struct task_struct.real_parent (0:95 @ offset 1280)".</summary>
    public override string ToString()
    {
        var sb = new StringBuilder();
        var root = CoreBtf.TypeById(Btf, RootTypeId);
        sb.Append('<').Append(CoreFormat.KindName(Kind)).Append("> ").Append(CoreFormat.Type(root));

        if (CoreKinds.IsTypeBased(Kind))
        {
            return CoreFormat.Truncate(sb);
        }

        if (CoreKinds.IsEnumValueBased(Kind))
        {
            AppendEnumerator(sb);
            return CoreFormat.Truncate(sb);
        }

        if (CoreKinds.IsFieldBased(Kind))
        {
            for (int i = 0; i < Length; i++)
            {
                var a = Accessors[i];
                if (a.Name is not null) sb.Append('.').Append(a.Name);
                else if (i > 0 || a.Index > 0) sb.Append('[').Append(CoreFormat.Num(a.Index)).Append(']');
            }

            sb.Append(" (");
            for (int i = 0; i < RawLength; i++)
            {
                if (i > 0) sb.Append(':');
                sb.Append(CoreFormat.Num(Raw[i]));
            }

            sb.Append(" @ offset ").Append(CoreFormat.Num(BitOffset / 8));
            if (BitOffset % 8 != 0) sb.Append('.').Append(CoreFormat.Num(BitOffset % 8));
            sb.Append(')');
        }

        return CoreFormat.Truncate(sb);
    }

    private void AppendEnumerator(StringBuilder sb)
    {
        // libbpf prints the enumerator at raw index 0 even for a candidate that did not match (index 0 then);
        // where it would read past the enumerators (or a non-enum), there is nothing meaningful to print.
        if (CoreBtf.SkipModsAndTypedefs(Btf, RootTypeId, out _) is not BtfEnum e || Raw[0] < 0 || Raw[0] >= e.Values.Count)
        {
            return;
        }

        var v = e.Values[Raw[0]];
        sb.Append("::").Append(v.Name).Append(" = ");
        if (e.Kind == BtfKind.Enum)
        {
            sb.Append(e.IsSigned ? CoreFormat.Num(unchecked((int)v.Value)) : CoreFormat.Num(unchecked((uint)v.Value)));
        }
        else
        {
            sb.Append(e.IsSigned ? CoreFormat.Num(v.Value) : CoreFormat.Num(unchecked((ulong)v.Value)));
        }
    }
}
