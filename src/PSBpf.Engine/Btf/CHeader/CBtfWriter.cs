using System.Buffers.Binary;
using System.Text;

namespace PSBpf.Engine.Btf.CHeader;

/// <summary>
/// Encodes parsed C types as a BTF blob, as clang would for the same declarations: INT/FLOAT base types, PTR, ARRAY
/// (indexed by <c>__ARRAY_SIZE_TYPE__</c>), STRUCT/UNION (kind_flag and bitfield sizes when there are bitfields),
/// ENUM (ENUM64 for 8-byte enums), TYPEDEF, FWD for tags defined nowhere. Types the kernel defines are referenced by
/// their kernel id, and the blob is then split BTF over the kernel's.
/// </summary>
internal sealed class CBtfWriter
{
    private readonly List<CType> _order = [];
    private readonly Dictionary<CType, int> _index = new(ReferenceEqualityComparer.Instance);
    private readonly MemoryStream _strings = new();
    private readonly Dictionary<string, uint> _stringOffsets = new(StringComparer.Ordinal);
    private readonly CIntegerType _arrayIndex = new("__ARRAY_SIZE_TYPE__", 4, BtfIntEncoding.None);
    private BtfSpec? _kernel;
    private uint _firstId = 1;
    private uint _stringBase;

    /// <summary>Collects <paramref name="roots"/> and everything they reference; returns the kernel BTF the result splits over, or null.</summary>
    public BtfSpec? Collect(IEnumerable<CType> roots)
    {
        foreach (var r in roots) Visit(r, 0);
        return _kernel;
    }

    private void Visit(CType t, int depth)
    {
        if (depth > 256) throw new InvalidOperationException("type nesting is too deep");
        switch (t)
        {
            case CVoidType:
                return; // id 0
            case CKernelType k:
                Kernel(k.Type);
                return;
            case CRecordType { IsComplete: false } r:
                r.Kernel ??= r.KernelLookup?.Invoke(r);
                if (r.Kernel is { } rk) { Kernel(rk); return; }
                break;
            case CEnumType { IsComplete: false } e:
                e.Kernel ??= e.KernelLookup?.Invoke(e);
                if (e.Kernel is { } ek) { Kernel(ek); return; }
                break;
        }

        if (_index.ContainsKey(t)) return;
        _index[t] = _order.Count;
        _order.Add(t);
        switch (t)
        {
            case CPointerType p: Visit(p.Target, depth + 1); break;
            case CArrayType a:
                Visit(a.Element, depth + 1);
                Visit(_arrayIndex, depth + 1);
                break;
            case CTypedefType d: Visit(d.Target, depth + 1); break;
            case CFunctionType f: Visit(f.ReturnType, depth + 1); break;
            case CRecordType r:
                foreach (var f in r.Fields) Visit(f.Type, depth + 1);
                break;
        }
    }

    private void Kernel(BtfType t)
    {
        if (_kernel is null) _kernel = t.Owner.Base ?? t.Owner;
    }

    /// <summary>The BTF type id <paramref name="t"/> gets (valid after <see cref="Collect"/>).</summary>
    public uint Id(CType t) => t switch
    {
        CVoidType => 0,
        CKernelType k => k.Type.Id,
        CRecordType { Kernel: { } rk } => rk.Id,
        CEnumType { Kernel: { } ek } => ek.Id,
        _ => _firstId + (uint)_index[t],
    };

    /// <summary>The BTF blob (header, types, strings).</summary>
    public byte[] Write()
    {
        if (_kernel is not null)
        {
            _firstId = (uint)_kernel.Count;
            _stringBase = _kernel.StringsLength;
        }

        _strings.WriteByte(0);
        var types = new MemoryStream();
        foreach (var t in _order) WriteType(types, t);
        var header = new byte[24];
        BinaryPrimitives.WriteUInt16LittleEndian(header, BtfSpec.Magic);
        header[2] = 1; // version
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(4), 24);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(8), 0);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(12), (uint)types.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(16), (uint)types.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(20), (uint)_strings.Length);
        var blob = new byte[24 + types.Length + _strings.Length];
        header.CopyTo(blob, 0);
        types.ToArray().CopyTo(blob, 24);
        _strings.ToArray().CopyTo(blob, 24 + (int)types.Length);
        return blob;
    }

    private uint Str(string s)
    {
        if (s.Length == 0) return 0;
        if (_stringOffsets.TryGetValue(s, out uint o)) return o;
        o = _stringBase + (uint)_strings.Length;
        _strings.Write(Encoding.UTF8.GetBytes(s));
        _strings.WriteByte(0);
        _stringOffsets[s] = o;
        return o;
    }

    private static void U32(Stream s, uint v)
    {
        Span<byte> b = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(b, v);
        s.Write(b);
    }

    private static uint Info(BtfKind kind, int vlen, bool kindFlag) => ((uint)kind << 24) | (uint)vlen | (kindFlag ? 1u << 31 : 0);

    private void WriteType(Stream s, CType t)
    {
        switch (t)
        {
            case CIntegerType { IsFloat: true } f:
                U32(s, Str(f.Name)); U32(s, Info(BtfKind.Float, 0, false)); U32(s, (uint)f.Size);
                return;
            case CIntegerType i:
                U32(s, Str(i.Name)); U32(s, Info(BtfKind.Int, 0, false)); U32(s, (uint)i.Size);
                U32(s, ((uint)i.Encoding << 24) | (uint)(i.Size * 8));
                return;
            case CPointerType p:
                U32(s, 0); U32(s, Info(BtfKind.Pointer, 0, false)); U32(s, Id(p.Target));
                return;
            case CArrayType a:
                U32(s, 0); U32(s, Info(BtfKind.Array, 0, false)); U32(s, 0);
                U32(s, Id(a.Element)); U32(s, Id(_arrayIndex)); U32(s, checked((uint)a.Count));
                return;
            case CTypedefType d:
                U32(s, Str(d.Name)); U32(s, Info(BtfKind.Typedef, 0, false)); U32(s, Id(d.Target));
                return;
            case CFunctionType f:
                U32(s, 0); U32(s, Info(BtfKind.FuncProto, 0, false)); U32(s, Id(f.ReturnType));
                return;
            case CRecordType { IsComplete: false } fwd:
                U32(s, Str(fwd.Tag ?? string.Empty)); U32(s, Info(BtfKind.Forward, 0, fwd.IsUnion)); U32(s, 0);
                return;
            case CRecordType r:
            {
                bool bitfields = r.Fields.Any(f => f.BitfieldSize > 0);
                U32(s, Str(r.Tag ?? string.Empty)); U32(s, Info(r.IsUnion ? BtfKind.Union : BtfKind.Struct, r.Fields.Count, bitfields));
                U32(s, checked((uint)r.Size));
                foreach (var f in r.Fields)
                {
                    U32(s, Str(f.Name));
                    U32(s, Id(f.Type));
                    U32(s, bitfields ? ((uint)f.BitfieldSize << 24) | checked((uint)f.BitOffset) : checked((uint)f.BitOffset));
                }

                return;
            }
            case CEnumType { IsComplete: false } e:
                // an enum declared but defined nowhere: BTF has no enum forward, so an empty 4-byte enum, as clang emits
                U32(s, Str(e.Tag ?? string.Empty)); U32(s, Info(BtfKind.Enum, 0, false)); U32(s, 4);
                return;
            case CEnumType e:
            {
                bool wide = e.Size == 8;
                U32(s, Str(e.Tag ?? string.Empty)); U32(s, Info(wide ? BtfKind.Enum64 : BtfKind.Enum, e.Values.Count, e.IsSigned)); U32(s, (uint)e.Size);
                foreach (var v in e.Values)
                {
                    U32(s, Str(v.Name));
                    U32(s, unchecked((uint)v.Value));
                    if (wide) U32(s, unchecked((uint)((ulong)v.Value >> 32)));
                }

                return;
            }
            default:
                throw new InvalidOperationException($"no BTF for {t}");
        }
    }
}
