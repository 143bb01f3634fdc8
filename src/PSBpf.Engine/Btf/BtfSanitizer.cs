using System.Buffers.Binary;
using System.Text;

namespace PSBpf.Engine.Btf;

/// <summary>
/// Rewrites encoded BTF for kernels that lack newer kinds, the way libbpf's bpf_object__sanitize_btf does: every
/// replacement keeps the record size, so type ids stay the same (only an ENUM64 placeholder INT may be appended).
/// </summary>
internal static class BtfSanitizer
{
    public static byte[] Sanitize(byte[] blob, BtfFeatures f)
    {
        if (!f.NeedsSanitizing) return blob;
        var (types, stringBytes) = BtfRecord.Split(blob);
        var strings = new List<byte>(stringBytes);
        var ts = types.AsSpan();
        var offsets = BtfRecord.Index(ts);
        int count = offsets.Count;
        var enum64 = new List<int>();
        foreach (int o in offsets)
        {
            var t = ts[o..];
            var kind = BtfRecord.Kind(t);
            int vlen = BtfRecord.Vlen(t);
            if ((!f.Datasec && kind == BtfKind.Var) || (!f.DeclTag && kind == BtfKind.DeclTag))
            {
                // an INT of one byte: 4 would fail validation for variables smaller than that
                Info(t, BtfKind.Int, 0, false);
                W32(t, 8, 1);
                W32(t, 12, 8);
            }
            else if (!f.Datasec && kind == BtfKind.Datasec)
            {
                RenameSection(strings, U32(t, 0), qmarkOnly: false);
                Info(t, BtfKind.Struct, vlen, false);
                for (int j = 0; j < vlen; j++)
                {
                    var m = t.Slice(12 + j * 12, 12);
                    uint varType = U32(m, 0), offset = U32(m, 4);
                    W32(m, 0, varType >= 1 && varType <= offsets.Count ? U32(ts, offsets[(int)varType - 1]) : 0);
                    W32(m, 4, varType);
                    W32(m, 8, offset * 8);
                }
            }
            else if (!f.QmarkDatasec && kind == BtfKind.Datasec)
            {
                RenameSection(strings, U32(t, 0), qmarkOnly: true);
            }
            else if (!f.Func && kind == BtfKind.FuncProto)
            {
                Info(t, BtfKind.Enum, vlen, false);
                W32(t, 8, 4);
            }
            else if (!f.Func && kind == BtfKind.Func)
            {
                Info(t, BtfKind.Typedef, 0, false);
            }
            else if (!f.GlobalFunc && kind == BtfKind.Func)
            {
                Info(t, BtfKind.Func, 0, false);
            }
            else if (!f.Float && kind == BtfKind.Float)
            {
                W32(t, 0, 0); // "float" is no valid struct name: make it anonymous
                Info(t, BtfKind.Struct, 0, false);
            }
            else if (!f.TypeTag && kind == BtfKind.TypeTag)
            {
                W32(t, 0, 0);
                Info(t, BtfKind.Const, 0, false);
            }
            else if (!f.Enum64 && kind == BtfKind.Enum)
            {
                Info(t, BtfKind.Enum, vlen, false);
            }
            else if (!f.Enum64 && kind == BtfKind.Enum64)
            {
                enum64.Add(o);
            }
        }

        var extraTypes = new List<byte>();
        if (enum64.Count > 0)
        {
            uint placeholder = (uint)count + 1;
            uint name = (uint)strings.Count;
            strings.AddRange(Encoding.ASCII.GetBytes("enum64_placeholder\0"));
            var intType = new byte[16];
            W32(intType, 0, name);
            W32(intType, 4, (uint)BtfKind.Int << 24);
            W32(intType, 8, 1);
            W32(intType, 12, 8);
            extraTypes.AddRange(intType);
            foreach (int o in enum64)
            {
                var t = ts[o..];
                int vlen = (int)(U32(t, 4) & 0xffff);
                Info(t, BtfKind.Union, vlen, false);
                for (int j = 0; j < vlen; j++)
                {
                    var m = t.Slice(12 + j * 12, 12);
                    W32(m, 4, placeholder);
                    W32(m, 8, 0);
                }
            }
        }

        return BtfRecord.Assemble(types, extraTypes.ToArray(), strings.ToArray(), []);
    }

    private static void RenameSection(List<byte> strings, uint offset, bool qmarkOnly)
    {
        for (int i = (int)offset; i < strings.Count && strings[i] != 0; i++)
        {
            if (strings[i] == '?' || (!qmarkOnly && strings[i] == '.')) strings[i] = (byte)'_';
            if (qmarkOnly) break;
        }
    }

    private static void Info(Span<byte> t, BtfKind kind, int vlen, bool kindFlag) =>
        W32(t, 4, (uint)vlen | ((uint)kind << 24) | (kindFlag ? 1u << 31 : 0));

    private static uint U32(ReadOnlySpan<byte> s, int o) => BtfRecord.U32(s, o);

    private static void W32(Span<byte> s, int o, uint v) => BtfRecord.W32(s, o, v);
}
