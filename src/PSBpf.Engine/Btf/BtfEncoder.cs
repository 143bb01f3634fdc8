using System.Buffers.Binary;
using System.Text;

namespace PSBpf.Engine.Btf;

/// <summary>
/// Serialises a (possibly fixed-up) BTF model back into the raw format for BPF_BTF_LOAD.
/// The original string section is kept byte for byte, so string offsets in .BTF.ext (line info) stay valid;
/// strings that are not already in it are appended.
/// </summary>
internal sealed class BtfEncoder
{
    private readonly BtfSpec _btf;
    private readonly List<byte> _types = new(4096);
    private readonly MemoryStream _strings = new();
    // int values: Dictionary<string, int> is in the framework's ReadyToRun code, <string, uint> would be JIT-compiled
    private readonly Dictionary<string, int> _offsets = new(StringComparer.Ordinal);
    private readonly byte[] _original;

    public BtfEncoder(BtfSpec btf)
    {
        if (btf.Base is not null) throw new NotSupportedException("encoding split BTF is not supported");
        _btf = btf;
        _original = btf.RawStrings.ToArray();
        _strings.Write(_original);
        _offsets[string.Empty] = 0;
    }

    /// <summary>Encodes every type; <paramref name="replace"/> may substitute a type (sanitisation) by returning the bytes to write instead.</summary>
    public byte[] Encode(Func<BtfType, BtfType?>? replace = null)
    {
        for (uint id = 1; id < _btf.Count; id++)
        {
            var t = _btf[id];
            WriteType(replace?.Invoke(t) ?? t);
        }

        var strings = _strings.ToArray();
        var blob = new byte[24 + _types.Count + strings.Length];
        var s = blob.AsSpan();
        BinaryPrimitives.WriteUInt16LittleEndian(s, BtfSpec.Magic);
        s[2] = 1;
        s[3] = 0;
        BinaryPrimitives.WriteUInt32LittleEndian(s[4..], 24);
        BinaryPrimitives.WriteUInt32LittleEndian(s[8..], 0);
        BinaryPrimitives.WriteUInt32LittleEndian(s[12..], (uint)_types.Count);
        BinaryPrimitives.WriteUInt32LittleEndian(s[16..], (uint)_types.Count);
        BinaryPrimitives.WriteUInt32LittleEndian(s[20..], (uint)strings.Length);
        _types.CopyTo(blob, 24);
        strings.CopyTo(blob, 24 + _types.Count);
        return blob;
    }

    private void WriteType(BtfType t)
    {
        uint name = Str(t.Name, t.NameOffset);
        switch (t)
        {
            case BtfInt i:
                Head(name, BtfKind.Int, 0, false, i.Size);
                U32(((uint)i.Encoding << 24) | ((uint)i.BitOffset << 16) | i.Bits);
                break;
            case BtfFunc f:
                Head(name, BtfKind.Func, (int)f.Linkage, false, f.TypeId);
                break;
            case BtfVar v:
                Head(name, BtfKind.Var, 0, false, v.TypeId);
                U32((uint)v.Linkage);
                break;
            case BtfDeclTag d:
                Head(name, BtfKind.DeclTag, 0, d.KindFlag, d.TypeId);
                U32((uint)d.ComponentIndex);
                break;
            case BtfForward fw:
                Head(name, BtfKind.Forward, 0, fw.IsUnion, 0);
                break;
            case BtfReference r:
                Head(name, r.Kind, 0, r.KindFlag, r.TypeId);
                break;
            case BtfArray a:
                Head(name, BtfKind.Array, 0, false, 0);
                U32(a.ElementTypeId);
                U32(a.IndexTypeId);
                U32(a.Count);
                break;
            case BtfComposite c:
                Head(name, c.Kind, c.Members.Count, c.HasBitfieldEncoding, c.Size);
                foreach (var m in c.Members)
                {
                    U32(Str(m.Name, m.NameOffset));
                    U32(m.TypeId);
                    U32(c.HasBitfieldEncoding ? (m.BitfieldSize << 24) | m.BitOffset : m.BitOffset);
                }

                break;
            case BtfEnum e when e.Kind == BtfKind.Enum:
                Head(name, BtfKind.Enum, e.Values.Count, e.IsSigned, e.Size);
                foreach (var v in e.Values)
                {
                    U32(Str(v.Name, v.NameOffset));
                    U32((uint)v.Value);
                }

                break;
            case BtfEnum e:
                Head(name, BtfKind.Enum64, e.Values.Count, e.IsSigned, e.Size);
                foreach (var v in e.Values)
                {
                    U32(Str(v.Name, v.NameOffset));
                    U32((uint)v.Value);
                    U32((uint)((ulong)v.Value >> 32));
                }

                break;
            case BtfFuncProto p:
                Head(name, BtfKind.FuncProto, p.Parameters.Count, false, p.ReturnTypeId);
                foreach (var prm in p.Parameters)
                {
                    U32(Str(prm.Name, prm.NameOffset));
                    U32(prm.TypeId);
                }

                break;
            case BtfDatasec d:
                Head(name, BtfKind.Datasec, d.Variables.Count, false, d.Size);
                foreach (var v in d.Variables)
                {
                    U32(v.TypeId);
                    U32(v.Offset);
                    U32(v.Size);
                }

                break;
            case BtfFloat fl:
                Head(name, BtfKind.Float, 0, false, fl.Size);
                break;
            default:
                throw new InvalidOperationException($"cannot encode {t}");
        }
    }

    private void Head(uint name, BtfKind kind, int vlen, bool kindFlag, uint sizeOrType)
    {
        U32(name);
        U32((uint)vlen | ((uint)kind << 24) | (kindFlag ? 1u << 31 : 0));
        U32(sizeOrType);
    }

    private void U32(uint v)
    {
        Span<byte> b = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(b, v);
        _types.AddRange(b);
    }

    /// <summary>The original offset when it still holds this name (keeps the blob identical), else a lookup or an append.</summary>
    private uint Str(string s, uint original)
    {
        if (original < _original.Length && Matches(original, s)) return original;

        if (_offsets.TryGetValue(s, out var off)) return (uint)off;
        var needle = Encoding.UTF8.GetBytes(s + "\0");
        int at = s.Length == 0 ? 0 : _original.AsSpan().IndexOf(needle);
        if (at < 0)
        {
            at = (int)_strings.Length;
            _strings.Write(needle);
        }

        _offsets[s] = at;
        return (uint)at;
    }

    private bool Matches(uint offset, string s)
    {
        var rest = _original.AsSpan((int)offset);
        int nul = rest.IndexOf((byte)0);
        return nul >= 0 && Encoding.UTF8.GetByteCount(s) == nul && Encoding.UTF8.GetString(rest[..nul]) == s;
    }
}
