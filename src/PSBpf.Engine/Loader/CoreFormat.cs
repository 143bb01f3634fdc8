using System.Globalization;
using System.Text;
using PSBpf.Engine.Btf;

namespace PSBpf.Engine.Loader;

/// <summary>
/// The spellings libbpf uses in its CO-RE log lines (core_relo_kind_str, btf_kind_str), so that
/// PSBpf's relocation log can be compared line by line with libbpf's debug output.
/// </summary>
internal static class CoreFormat
{
    /// <summary>libbpf's buffer for a formatted spec is 256 bytes; longer specs are cut to 255 characters.</summary>
    public const int SpecBufferLength = 255;

    /// <summary>core_relo_kind_str.</summary>
    public static string KindName(BtfCoreRelocationKind kind) => kind switch
    {
        BtfCoreRelocationKind.FieldByteOffset => "byte_off",
        BtfCoreRelocationKind.FieldByteSize => "byte_sz",
        BtfCoreRelocationKind.FieldExists => "field_exists",
        BtfCoreRelocationKind.FieldSigned => "signed",
        BtfCoreRelocationKind.FieldLShiftU64 => "lshift_u64",
        BtfCoreRelocationKind.FieldRShiftU64 => "rshift_u64",
        BtfCoreRelocationKind.TypeIdLocal => "local_type_id",
        BtfCoreRelocationKind.TypeIdTarget => "target_type_id",
        BtfCoreRelocationKind.TypeExists => "type_exists",
        BtfCoreRelocationKind.TypeMatches => "type_matches",
        BtfCoreRelocationKind.TypeSize => "type_size",
        BtfCoreRelocationKind.EnumValueExists => "enumval_exists",
        BtfCoreRelocationKind.EnumValue => "enumval_value",
        _ => "unknown",
    };

    /// <summary>btf_kind_str.</summary>
    public static string BtfKindName(BtfKind kind) => kind switch
    {
        BtfKind.Void => "void",
        BtfKind.Int => "int",
        BtfKind.Pointer => "ptr",
        BtfKind.Array => "array",
        BtfKind.Struct => "struct",
        BtfKind.Union => "union",
        BtfKind.Enum => "enum",
        BtfKind.Forward => "fwd",
        BtfKind.Typedef => "typedef",
        BtfKind.Volatile => "volatile",
        BtfKind.Const => "const",
        BtfKind.Restrict => "restrict",
        BtfKind.Func => "func",
        BtfKind.FuncProto => "func_proto",
        BtfKind.Var => "var",
        BtfKind.Datasec => "datasec",
        BtfKind.Float => "float",
        BtfKind.DeclTag => "decl_tag",
        BtfKind.TypeTag => "type_tag",
        BtfKind.Enum64 => "enum64",
        _ => "unknown",
    };

    /// <summary>"[id] kind name" with "&lt;anon&gt;" for anonymous types, as libbpf prints a type in CO-RE messages.</summary>
    public static string Type(BtfType t) => $"[{t.Id}] {TypeName(t)}";

    /// <summary>"kind name", e.g. "struct task_struct" or "union &lt;anon&gt;".</summary>
    public static string TypeName(BtfType t) => $"{BtfKindName(t.Kind)} {(t.Name.Length == 0 ? "<anon>" : t.Name)}";

    /// <summary>Formats a number the way C's %u/%llu/%d would (invariant digits).</summary>
    public static string Num(ulong v) => v.ToString(CultureInfo.InvariantCulture);

    /// <summary>Signed variant of <see cref="Num(ulong)"/>.</summary>
    public static string Num(long v) => v.ToString(CultureInfo.InvariantCulture);

    /// <summary>Cuts <paramref name="sb"/> to libbpf's spec buffer size.</summary>
    public static string Truncate(StringBuilder sb) =>
        sb.Length > SpecBufferLength ? sb.ToString(0, SpecBufferLength) : sb.ToString();
}
