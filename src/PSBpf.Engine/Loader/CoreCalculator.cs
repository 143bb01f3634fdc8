using PSBpf.Engine.Btf;

namespace PSBpf.Engine.Loader;

/// <summary>
/// Computes a relocation's original and new values from the local and (matched) target specs
/// (libbpf's bpf_core_calc_relo and its field/type/enumval helpers). A null target spec means
/// "no candidate matched": existence kinds yield 0, the others ask for poisoning.
/// </summary>
internal static class CoreCalculator
{
    public static CoreRelocationValue Calculate(CoreSpec local, CoreSpec? target, int sectionInstruction)
    {
        var kind = local.Kind;
        var res = new CoreRelocationValue { Validate = true };

        if (CoreKinds.IsFieldBased(kind))
        {
            (res.OriginalValue, res.OriginalSize, res.OriginalTypeId, res.Validate) = Field(local, sectionInstruction);
            if (target is null)
            {
                if (kind == BtfCoreRelocationKind.FieldExists)
                {
                    res.NewValue = 0;
                }
                else
                {
                    res.Poison = true;
                }

                return res;
            }

            (res.NewValue, res.NewSize, res.NewTypeId, _) = Field(target, sectionInstruction);
            if (res.OriginalSize != res.NewSize)
            {
                res.FailMemorySizeAdjust = !SizeChangeIsSafe(
                    CoreBtf.TypeById(local.Btf, res.OriginalTypeId), CoreBtf.TypeById(target.Btf, res.NewTypeId));
            }

            return res;
        }

        if (CoreKinds.IsTypeBased(kind))
        {
            (res.OriginalValue, res.Validate) = TypeValue(local);
            (res.NewValue, _) = target is null ? (0UL, true) : TypeValue(target);
            return res;
        }

        if (CoreKinds.IsEnumValueBased(kind))
        {
            res.OriginalValue = EnumValue(local);
            if (target is not null)
            {
                res.NewValue = EnumValue(target);
            }
            else if (kind == BtfCoreRelocationKind.EnumValueExists)
            {
                res.NewValue = 0;
            }
            else
            {
                res.Poison = true; // no value to give a missing enumerator
            }

            return res;
        }

        throw new CoreFailure(CoreFailure.EOPNOTSUPP, $"unrecognized CO-RE relocation {CoreFormat.KindName(kind)} ({(uint)kind}) at insn #{sectionInstruction}");
    }

    /// <summary>
    /// Resizing a load/store is only safe where zero extension keeps the value: pointer to pointer
    /// (32-bit kernels) and unsigned int to unsigned int. libbpf compares the whole INT encoding with
    /// BTF_INT_SIGNED, so e.g. a signed char (SIGNED|CHAR) counts as unsigned here; kept for identical results.
    /// </summary>
    private static bool SizeChangeIsSafe(BtfType local, BtfType target)
    {
        if (local is BtfPointer && target is BtfPointer)
        {
            return true;
        }

        return local is BtfInt li && target is BtfInt ti && li.Encoding != BtfIntEncoding.Signed && ti.Encoding != BtfIntEncoding.Signed;
    }

    /// <summary>bpf_core_calc_field_relo for one spec: (value, load size, load type id, validate).</summary>
    private static (ulong Value, uint Size, uint TypeId, bool Validate) Field(CoreSpec spec, int sectionInstruction)
    {
        var kind = spec.Kind;
        if (kind == BtfCoreRelocationKind.FieldExists)
        {
            return (1, 0, 0, true);
        }

        var acc = spec.Last;
        if (acc.Name is null)
        {
            // The access ends in an array element (a[n]): only its offset and size are meaningful.
            switch (kind)
            {
                case BtfCoreRelocationKind.FieldByteOffset:
                {
                    uint elem = ElementSize(spec.Btf, acc.TypeId);
                    return (spec.BitOffset / 8, elem, acc.TypeId, true);
                }

                case BtfCoreRelocationKind.FieldByteSize:
                    return (CoreBtf.ResolveSize(spec.Btf, acc.TypeId), 0, 0, true);
                default:
                    throw CoreFailure.Invalid($"relo {(uint)kind} at insn #{sectionInstruction} can't be applied to array access");
            }
        }

        var holder = (BtfComposite)CoreBtf.TypeById(spec.Btf, acc.TypeId);
        var member = holder.Members[(int)acc.Index];
        var memberType = CoreBtf.SkipModsAndTypedefs(spec.Btf, member.TypeId, out uint fieldTypeId);
        uint bitOff = spec.BitOffset;
        uint bitSize = member.BitfieldSize;
        bool bitfield = bitSize > 0;
        uint byteOff, byteSize;

        if (bitfield)
        {
            // The narrowest naturally aligned load (starting from the declared type's size) that covers all bits.
            byteSize = CoreBtf.SizeOrType(memberType);
            if (byteSize == 0)
            {
                throw CoreFailure.Invalid($"bitfield {member.Name} has a zero-sized type");
            }

            byteOff = bitOff / 8 / byteSize * byteSize;
            while (unchecked(bitOff + bitSize - byteOff * 8) > byteSize * 8)
            {
                if (byteSize >= 8)
                {
                    throw new CoreFailure(CoreFailure.E2BIG, $"relo {(uint)kind} at insn #{sectionInstruction} can't be satisfied for bitfield");
                }

                byteSize *= 2;
                byteOff = bitOff / 8 / byteSize * byteSize;
            }
        }
        else
        {
            byteSize = CoreBtf.ResolveSize(spec.Btf, fieldTypeId);
            byteOff = spec.BitOffset / 8;
            bitSize = byteSize * 8;
        }

        // Bitfield offsets/sizes may legitimately differ from what the compiler chose, so they are not validated.
        bool validate = !bitfield;
        switch (kind)
        {
            case BtfCoreRelocationKind.FieldByteOffset:
                return bitfield ? ((ulong)byteOff, 0u, 0u, validate) : ((ulong)byteOff, ElementSize(spec.Btf, fieldTypeId), fieldTypeId, validate);
            case BtfCoreRelocationKind.FieldByteSize:
                return (byteSize, 0, 0, validate);
            case BtfCoreRelocationKind.FieldSigned:
            {
                bool signed = (memberType is BtfEnum e && e.IsSigned) || (memberType is BtfInt i && i.IsSigned);
                return (signed ? 1UL : 0UL, 0, 0, true);
            }

            case BtfCoreRelocationKind.FieldLShiftU64:
                // Shifts that move the field to the top of a u64 and then down again; which end is "top"
                // depends on the host's byte order, like libbpf's #if on __BYTE_ORDER__.
                return BitConverter.IsLittleEndian
                    ? (unchecked(64 - (bitOff + bitSize - byteOff * 8)), 0u, 0u, validate)
                    : (unchecked((8 - byteSize) * 8 + (bitOff - byteOff * 8)), 0u, 0u, validate);
            case BtfCoreRelocationKind.FieldRShiftU64:
                return (unchecked(64 - bitSize), 0, 0, true);
            default:
                throw new CoreFailure(CoreFailure.EOPNOTSUPP, $"unrecognized CO-RE relocation {CoreFormat.KindName(kind)} ({(uint)kind}) at insn #{sectionInstruction}");
        }
    }

    /// <summary>For load/store size adjustment the element size matters, not a whole array's (current libbpf).</summary>
    private static uint ElementSize(BtfSpec btf, uint typeId)
    {
        var t = CoreBtf.SkipModsAndTypedefs(btf, typeId, out uint elemId);
        while (t is BtfArray a)
        {
            t = CoreBtf.SkipModsAndTypedefs(btf, a.ElementTypeId, out elemId);
        }

        return CoreBtf.ResolveSize(btf, elemId);
    }

    /// <summary>bpf_core_calc_type_relo for a matched spec: (value, validate).</summary>
    private static (ulong Value, bool Validate) TypeValue(CoreSpec spec) => spec.Kind switch
    {
        // Type ids can change when objects are linked, so the compiled-in id is not checked.
        BtfCoreRelocationKind.TypeIdTarget => (spec.RootTypeId, false),
        BtfCoreRelocationKind.TypeExists or BtfCoreRelocationKind.TypeMatches => (1, true),
        BtfCoreRelocationKind.TypeSize => (CoreBtf.ResolveSize(spec.Btf, spec.RootTypeId), true),
        _ => throw new CoreFailure(CoreFailure.EOPNOTSUPP, $"unrecognized CO-RE relocation {CoreFormat.KindName(spec.Kind)} ({(uint)spec.Kind})"),
    };

    /// <summary>bpf_core_calc_enumval_relo for a matched spec.</summary>
    private static ulong EnumValue(CoreSpec spec)
    {
        if (spec.Kind == BtfCoreRelocationKind.EnumValueExists)
        {
            return 1;
        }

        var acc = spec.Accessors[0];
        var e = (BtfEnum)CoreBtf.TypeById(spec.Btf, acc.TypeId);
        return CoreBtf.EnumValue(e, (int)acc.Index);
    }
}
