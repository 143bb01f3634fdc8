using System.Buffers.Binary;
using PSBpf.Engine.Btf;
using PSBpf.Engine.Native;

namespace PSBpf.Engine.Loader;

/// <summary>Feature probes, each a tiny BTF load, run once per process (libbpf's features.c, decided by behaviour, not version strings).</summary>
internal static unsafe class KernelFeatures
{
    private static readonly Lazy<BtfFeatures> BtfLazy = new(ProbeBtf);

    /// <summary>Which BTF kinds this kernel accepts.</summary>
    public static BtfFeatures Btf => BtfLazy.Value;

    private static BtfFeatures ProbeBtf()
    {
        // strings: 1 "int", 5 "x", 7 "a", 9 ".data", 15 "?.data", 22 "float", 28 "tag"
        var str = "\0int\0x\0a\0.data\0?.data\0float\0tag\0"u8.ToArray();
        uint[] intType = [1, (uint)BtfKind.Int << 24, 4, (1u << 24) | 32];
        bool func = Load(str, [.. intType, 0, Info(BtfKind.FuncProto, 1), 0, 7, 1, 5, Info(BtfKind.Func, 0), 2]);
        bool globalFunc = Load(str, [.. intType, 0, Info(BtfKind.FuncProto, 1), 0, 7, 1, 5, Info(BtfKind.Func, 1), 2]);
        bool datasec = Load(str, [.. intType, 5, Info(BtfKind.Var, 0), 1, 0, 9, Info(BtfKind.Datasec, 1), 4, 2, 0, 4]);
        bool qmark = Load(str, [.. intType, 5, Info(BtfKind.Var, 0), 1, 0, 15, Info(BtfKind.Datasec, 1), 4, 2, 0, 4]);
        bool flt = Load(str, [22, Info(BtfKind.Float, 0), 4]);
        bool decl = Load(str, [.. intType, 5, Info(BtfKind.Var, 0), 1, 0, 28, Info(BtfKind.DeclTag, 0), 2, 0xffffffff]);
        bool typeTag = Load(str, [.. intType, 28, Info(BtfKind.TypeTag, 0), 1, 0, Info(BtfKind.Pointer, 0), 2]);
        bool enum64 = Load(str, [1, Info(BtfKind.Enum64, 1), 8, 7, 0, 0]);
        return new BtfFeatures(func, globalFunc, datasec, qmark, flt, decl, typeTag, enum64);
    }

    private static uint Info(BtfKind kind, uint vlen) => ((uint)kind << 24) | vlen;

    private static bool Load(byte[] strings, uint[] types)
    {
        var blob = new byte[24 + types.Length * 4 + strings.Length];
        var s = blob.AsSpan();
        BinaryPrimitives.WriteUInt16LittleEndian(s, BtfSpec.Magic);
        s[2] = 1;
        BinaryPrimitives.WriteUInt32LittleEndian(s[4..], 24);
        BinaryPrimitives.WriteUInt32LittleEndian(s[12..], (uint)types.Length * 4);
        BinaryPrimitives.WriteUInt32LittleEndian(s[16..], (uint)types.Length * 4);
        BinaryPrimitives.WriteUInt32LittleEndian(s[20..], (uint)strings.Length);
        for (int i = 0; i < types.Length; i++) BinaryPrimitives.WriteUInt32LittleEndian(s[(24 + i * 4)..], types[i]);
        strings.CopyTo(blob, 24 + types.Length * 4);
        fixed (byte* b = blob)
        {
            var attr = new BtfLoadAttr { btf = (ulong)b, btf_size = (uint)blob.Length };
            int fd = Bpf.TryBtfLoad(ref attr);
            if (fd < 0) return false;
            LibC.Close(fd);
            return true;
        }
    }
}
