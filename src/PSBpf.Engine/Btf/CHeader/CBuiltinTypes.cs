namespace PSBpf.Engine.Btf.CHeader;

/// <summary>
/// The base types by their clang BTF names, and the fixed-width typedef names BPF headers use without defining them
/// (linux/types.h's __u32, the kernel's u64, stdint's uint32_t, ...): known here, so a header needs no kernel BTF for them.
/// </summary>
internal sealed class CBuiltinTypes
{
    private readonly Dictionary<string, CIntegerType> _bases = new(StringComparer.Ordinal);
    private readonly Dictionary<string, CType> _typedefs = new(StringComparer.Ordinal);

    // typedef name → the base type it stands for on a 64-bit target
    private static readonly Dictionary<string, string> Typedefs = new(StringComparer.Ordinal)
    {
        ["__u8"] = "unsigned char", ["__s8"] = "signed char", ["__u16"] = "unsigned short", ["__s16"] = "short",
        ["__u32"] = "unsigned int", ["__s32"] = "int", ["__u64"] = "unsigned long long", ["__s64"] = "long long",
        ["u8"] = "unsigned char", ["s8"] = "signed char", ["u16"] = "unsigned short", ["s16"] = "short",
        ["u32"] = "unsigned int", ["s32"] = "int", ["u64"] = "unsigned long long", ["s64"] = "long long",
        ["uint8_t"] = "unsigned char", ["int8_t"] = "signed char", ["uint16_t"] = "unsigned short", ["int16_t"] = "short",
        ["uint32_t"] = "unsigned int", ["int32_t"] = "int", ["uint64_t"] = "unsigned long", ["int64_t"] = "long",
        ["__be16"] = "unsigned short", ["__le16"] = "unsigned short", ["__be32"] = "unsigned int", ["__le32"] = "unsigned int",
        ["__be64"] = "unsigned long long", ["__le64"] = "unsigned long long", ["__wsum"] = "unsigned int",
        ["size_t"] = "unsigned long", ["ssize_t"] = "long", ["uintptr_t"] = "unsigned long", ["intptr_t"] = "long",
        ["ptrdiff_t"] = "long", ["__u128"] = "unsigned __int128", ["__s128"] = "__int128",
    };

    public CBuiltinTypes()
    {
        Add("char", 1, BtfIntEncoding.Signed); // char is signed on BPF
        Add("signed char", 1, BtfIntEncoding.Signed);
        Add("unsigned char", 1, BtfIntEncoding.None);
        Add("short", 2, BtfIntEncoding.Signed);
        Add("unsigned short", 2, BtfIntEncoding.None);
        Add("int", 4, BtfIntEncoding.Signed);
        Add("unsigned int", 4, BtfIntEncoding.None);
        Add("long", 8, BtfIntEncoding.Signed);
        Add("unsigned long", 8, BtfIntEncoding.None);
        Add("long long", 8, BtfIntEncoding.Signed);
        Add("unsigned long long", 8, BtfIntEncoding.None);
        Add("__int128", 16, BtfIntEncoding.Signed);
        Add("unsigned __int128", 16, BtfIntEncoding.None);
        Add("_Bool", 1, BtfIntEncoding.Bool);
        _bases["float"] = new CIntegerType("float", 4, BtfIntEncoding.None, isFloat: true);
        _bases["double"] = new CIntegerType("double", 8, BtfIntEncoding.None, isFloat: true);
        // stdbool's bool is a macro for _Bool; headers that use it without the include get the same type
        _typedefs["bool"] = _bases["_Bool"];
    }

    private void Add(string name, int size, BtfIntEncoding encoding) => _bases[name] = new CIntegerType(name, size, encoding);

    public CIntegerType Base(string name) => _bases[name];

    /// <summary>The built-in typedef named <paramref name="name"/>, or null.</summary>
    public CType? Typedef(string name)
    {
        if (_typedefs.TryGetValue(name, out var t)) return t;
        // linux/types.h's __aligned_u64 family: macros for a 64-bit type aligned to 8 (as u64 is on BPF anyway)
        if (name is "__aligned_u64" or "__aligned_be64" or "__aligned_le64") return _typedefs[name] = new CTypedefType("__u64", _bases["unsigned long long"], 8);
        if (name == "__aligned_s64") return _typedefs[name] = new CTypedefType("__s64", _bases["long long"], 8);
        if (!Typedefs.TryGetValue(name, out var target)) return null;
        return _typedefs[name] = new CTypedefType(name, _bases[target]);
    }
}
