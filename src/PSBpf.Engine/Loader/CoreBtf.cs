using PSBpf.Engine.Btf;

namespace PSBpf.Engine.Loader;

/// <summary>
/// The small BTF queries CO-RE needs, with libbpf's exact semantics and failure codes
/// (btf__resolve_size, skip_mods_and_typedefs, btf_vlen, the raw size/type word of a type).
/// </summary>
internal static class CoreBtf
{
    private const int MaxResolveDepth = 32;
    private const int PointerSize = 8;

    /// <summary>
    /// Follows typedefs and modifiers like libbpf's skip_mods_and_typedefs; a broken chain (bad id, loop)
    /// is the NULL return libbpf turns into -EINVAL.
    /// </summary>
    public static BtfType SkipModsAndTypedefs(BtfSpec btf, uint id, out uint resolvedId)
    {
        try
        {
            resolvedId = btf.SkipModsAndTypedefs(id);
            return btf[resolvedId];
        }
        catch (BpfFormatException e)
        {
            throw CoreFailure.Invalid($"cannot resolve type [{id}]: {e.Detail}", e);
        }
    }

    /// <summary>The type with this id, or -EINVAL.</summary>
    public static BtfType TypeById(BtfSpec btf, uint id)
    {
        try
        {
            return btf[id];
        }
        catch (BpfFormatException e)
        {
            throw CoreFailure.Invalid($"type [{id}] does not exist: {e.Detail}", e);
        }
    }

    /// <summary>btf__resolve_size: -EINVAL for unsized kinds and void, -E2BIG when the size does not fit 32 bits.</summary>
    public static uint ResolveSize(BtfSpec btf, uint id)
    {
        ulong elements = 1;
        long size = -1;
        var t = TypeById(btf, id);
        for (int depth = 0; depth < MaxResolveDepth && t.Kind != BtfKind.Void; depth++)
        {
            switch (t)
            {
                case BtfInt i: size = i.Size; goto done;
                case BtfComposite c: size = c.Size; goto done;
                case BtfEnum e: size = e.Size; goto done;
                case BtfDatasec d: size = d.Size; goto done;
                case BtfFloat f: size = f.Size; goto done;
                case BtfPointer: size = PointerSize; goto done;
                case BtfTypedef or BtfQualifier or BtfVar or BtfDeclTag or BtfTypeTag:
                    id = ((BtfReference)t).TypeId;
                    break;
                case BtfArray a:
                    if (elements != 0 && a.Count > uint.MaxValue / elements)
                    {
                        throw new CoreFailure(CoreFailure.E2BIG, $"size of type [{id}] overflows 32 bits");
                    }

                    elements *= a.Count;
                    id = a.ElementTypeId;
                    break;
                default:
                    throw CoreFailure.Invalid($"{CoreFormat.Type(t)} has no size");
            }

            t = TypeById(btf, id);
        }

    done:
        if (size < 0)
        {
            throw CoreFailure.Invalid($"type [{id}] has no size");
        }

        if (elements != 0 && (ulong)size > uint.MaxValue / elements)
        {
            throw new CoreFailure(CoreFailure.E2BIG, $"size of type [{id}] overflows 32 bits");
        }

        return (uint)((ulong)size * elements);
    }

    /// <summary>btf_vlen: members, enumerators or parameters (0 for other kinds).</summary>
    public static int Vlen(BtfType t) => t switch
    {
        BtfComposite c => c.Members.Count,
        BtfEnum e => e.Values.Count,
        BtfFuncProto p => p.Parameters.Count,
        BtfDatasec d => d.Variables.Count,
        _ => 0,
    };

    /// <summary>
    /// The type's size/type word (struct btf_type's union of size and type), which libbpf reads as
    /// "size" for bitfield members whatever their kind.
    /// </summary>
    public static uint SizeOrType(BtfType t) => t switch
    {
        BtfInt i => i.Size,
        BtfComposite c => c.Size,
        BtfEnum e => e.Size,
        BtfDatasec d => d.Size,
        BtfFloat f => f.Size,
        BtfReference r => r.TypeId,
        BtfFuncProto p => p.ReturnTypeId,
        _ => 0,
    };

    /// <summary>ENUM or ENUM64.</summary>
    public static bool IsAnyEnum(BtfType t) => t.Kind is BtfKind.Enum or BtfKind.Enum64;

    /// <summary>btf_kind_core_compat: same kind, or both enums of either width.</summary>
    public static bool KindsCompatible(BtfKind a, BtfKind b) =>
        a == b || (a is BtfKind.Enum or BtfKind.Enum64 && b is BtfKind.Enum or BtfKind.Enum64);

    /// <summary>
    /// An enumerator's value as libbpf reads it: a 32-bit ENUM value is a __s32 widened to 64 bits
    /// (sign-extended whatever the enum's signedness), an ENUM64 value is its raw 64 bits.
    /// </summary>
    public static ulong EnumValue(BtfEnum e, int index)
    {
        long v = e.Values[index].Value;
        return e.Kind == BtfKind.Enum ? (ulong)(long)unchecked((int)v) : (ulong)v;
    }
}
