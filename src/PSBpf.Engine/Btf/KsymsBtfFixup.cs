using System.Buffers.Binary;
using System.Text;

namespace PSBpf.Engine.Btf;

/// <summary>
/// Makes the .ksyms DATASEC acceptable to the kernel, as libbpf does when it collects externs: every entry becomes a
/// 4-byte allocated slot; extern VARs become global INT variables; kfunc FUNCs become global and are represented in the
/// DATASEC by an appended "dummy_ksym" VAR (unnamed kfunc parameters borrow its name, since the kernel wants names).
/// Works on encoded BTF, so the object's model keeps the compiler's view.
/// </summary>
internal static class KsymsBtfFixup
{
    private const uint VarGlobalAllocated = 1;
    private const uint FuncGlobal = 1;

    public static byte[] Apply(byte[] blob)
    {
        var (types, strings) = BtfRecord.Split(blob);
        var offsets = BtfRecord.Index(types);
        int ksyms = -1;
        for (int i = 0; i < offsets.Count; i++)
        {
            var t = types.AsSpan(offsets[i]);
            if (Kind(t) == BtfKind.Datasec && Name(strings, U32(t, 0)) == ".ksyms") ksyms = offsets[i];
        }

        if (ksyms < 0) return blob;

        var sec = types.AsSpan(ksyms);
        int vlen = BtfRecord.Vlen(sec);
        uint intId = 0;
        for (int i = 0; i < offsets.Count && intId == 0; i++)
        {
            var t = types.AsSpan(offsets[i]);
            if (Kind(t) == BtfKind.Int && (U32(t, 12) & 0xff) == 32) intId = (uint)i + 1;
        }

        bool hasFunc = false;
        for (int j = 0; j < vlen; j++)
        {
            hasFunc |= Kind(types.AsSpan(offsets[(int)U32(sec, 12 + j * 12) - 1])) == BtfKind.Func;
        }

        uint dummyId = 0, dummyName = 0;
        var extra = new List<byte>();
        var extraStrings = new List<byte>();
        if (hasFunc)
        {
            dummyId = (uint)offsets.Count + 1;
            dummyName = (uint)strings.Length;
            extraStrings.AddRange(Encoding.ASCII.GetBytes("dummy_ksym\0"));
            var v = new byte[16];
            W32(v, 0, dummyName);
            W32(v, 4, (uint)BtfKind.Var << 24);
            W32(v, 8, intId);
            W32(v, 12, VarGlobalAllocated);
            extra.AddRange(v);
        }

        for (int j = 0; j < vlen; j++)
        {
            var entry = sec.Slice(12 + j * 12, 12);
            var vt = types.AsSpan(offsets[(int)U32(entry, 0) - 1]);
            if (Kind(vt) == BtfKind.Func)
            {
                var proto = types.AsSpan(offsets[(int)U32(vt, 8) - 1]);
                int nparams = (int)(U32(proto, 4) & 0xffff);
                for (int k = 0; k < nparams; k++)
                {
                    var p = proto.Slice(12 + k * 8, 8);
                    if (U32(p, 4) != 0 && U32(p, 0) == 0) W32(p, 0, dummyName);
                }

                W32(entry, 0, dummyId);
                W32(vt, 4, (U32(vt, 4) & ~0xffffu) | FuncGlobal);
            }
            else
            {
                W32(vt, 12, VarGlobalAllocated);
                W32(vt, 8, intId);
            }

            W32(entry, 4, (uint)(j * 4));
            W32(entry, 8, 4);
        }

        W32(sec, 8, (uint)(vlen * 4));

        return BtfRecord.Assemble(types, extra.ToArray(), strings, extraStrings.ToArray());
    }

    private static BtfKind Kind(ReadOnlySpan<byte> t) => BtfRecord.Kind(t);

    private static string Name(byte[] strings, uint off)
    {
        if (off >= strings.Length) return string.Empty;
        int end = Array.IndexOf(strings, (byte)0, (int)off);
        return Encoding.UTF8.GetString(strings, (int)off, (end < 0 ? strings.Length : end) - (int)off);
    }

    private static uint U32(ReadOnlySpan<byte> s, int o) => BtfRecord.U32(s, o);

    private static void W32(Span<byte> s, int o, uint v) => BtfRecord.W32(s, o, v);
}
