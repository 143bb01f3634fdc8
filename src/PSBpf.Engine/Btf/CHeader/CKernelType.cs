namespace PSBpf.Engine.Btf.CHeader;

/// <summary>A type the header names but does not define, found in the kernel's BTF (e.g. <c>pid_t</c>, <c>struct in6_addr</c>).</summary>
internal sealed class CKernelType(BtfType type) : CType
{
    public BtfType Type { get; } = type;

    public override long SizeAt(CLocation use)
    {
        try
        {
            return Type.Owner.SizeOf(Type.Id);
        }
        catch (BpfFormatException)
        {
            throw use.Error($"the kernel's {Type} has no size (it is only declared there)");
        }
    }

    public override int AlignAt(CLocation use)
    {
        try
        {
            return Type.Owner.AlignOf(Type.Id);
        }
        catch (BpfFormatException)
        {
            throw use.Error($"the kernel's {Type} has no size (it is only declared there)");
        }
    }

    public override string Spelling => Type.ToString();
}
