using PSBpf.Engine.Btf;

namespace PSBpf.Engine.Loader;

/// <summary>The three families of CO-RE relocation kinds (core_relo_is_*_based).</summary>
internal static class CoreKinds
{
    public static bool IsFieldBased(BtfCoreRelocationKind kind) => kind is BtfCoreRelocationKind.FieldByteOffset
        or BtfCoreRelocationKind.FieldByteSize or BtfCoreRelocationKind.FieldExists or BtfCoreRelocationKind.FieldSigned
        or BtfCoreRelocationKind.FieldLShiftU64 or BtfCoreRelocationKind.FieldRShiftU64;

    public static bool IsTypeBased(BtfCoreRelocationKind kind) => kind is BtfCoreRelocationKind.TypeIdLocal
        or BtfCoreRelocationKind.TypeIdTarget or BtfCoreRelocationKind.TypeExists or BtfCoreRelocationKind.TypeMatches
        or BtfCoreRelocationKind.TypeSize;

    public static bool IsEnumValueBased(BtfCoreRelocationKind kind) =>
        kind is BtfCoreRelocationKind.EnumValueExists or BtfCoreRelocationKind.EnumValue;
}
