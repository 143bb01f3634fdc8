using PSBpf.Engine.Btf;

namespace PSBpf.Engine.Loader;

/// <summary>
/// libbpf's three notions of "these two types correspond" across BTFs: types_are_compat (type-based
/// relocations), fields_are_compat (field access), and types_match (TYPE_MATCHES). Each returns true or false,
/// or throws <see cref="CoreFailure"/> where libbpf returns a negative error.
/// </summary>
internal static class CoreCompatibility
{
    private const int MaxDepth = 32;

    /// <summary>bpf_core_types_are_compat: names are assumed to match already (the candidate search did that).</summary>
    public static bool TypesAreCompatible(BtfSpec localBtf, uint localId, BtfSpec targetBtf, uint targetId) =>
        TypesAreCompatible(localBtf, localId, targetBtf, targetId, MaxDepth);

    private static bool TypesAreCompatible(BtfSpec localBtf, uint localId, BtfSpec targetBtf, uint targetId, int level)
    {
        // The unresolved kinds must already agree (a typedef only matches a typedef, and so on).
        if (!CoreBtf.KindsCompatible(CoreBtf.TypeById(localBtf, localId).Kind, CoreBtf.TypeById(targetBtf, targetId).Kind))
        {
            return false;
        }

        for (int depth = MaxDepth; ; )
        {
            if (--depth < 0)
            {
                throw CoreFailure.Invalid($"types [{localId}] and [{targetId}] nest deeper than {MaxDepth}");
            }

            var local = CoreBtf.SkipModsAndTypedefs(localBtf, localId, out localId);
            var target = CoreBtf.SkipModsAndTypedefs(targetBtf, targetId, out targetId);
            if (!CoreBtf.KindsCompatible(local.Kind, target.Kind))
            {
                return false;
            }

            switch (local)
            {
                case BtfVoid or BtfComposite or BtfEnum or BtfForward:
                    return true;
                case BtfInt li:
                    // Only the deprecated bitfield-style integers (with an encoded bit offset) are rejected.
                    return li.BitOffset == 0 && ((BtfInt)target).BitOffset == 0;
                case BtfPointer lp:
                    localId = lp.TypeId;
                    targetId = ((BtfPointer)target).TypeId;
                    continue;
                case BtfArray la:
                    localId = la.ElementTypeId;
                    targetId = ((BtfArray)target).ElementTypeId;
                    continue;
                case BtfFuncProto lf:
                {
                    var tf = (BtfFuncProto)target;
                    if (lf.Parameters.Count != tf.Parameters.Count)
                    {
                        return false;
                    }

                    for (int i = 0; i < lf.Parameters.Count; i++)
                    {
                        if (level <= 0)
                        {
                            throw CoreFailure.Invalid($"function prototypes [{lf.Id}] and [{tf.Id}] nest too deeply");
                        }

                        CoreBtf.SkipModsAndTypedefs(localBtf, lf.Parameters[i].TypeId, out uint lpId);
                        CoreBtf.SkipModsAndTypedefs(targetBtf, tf.Parameters[i].TypeId, out uint tpId);
                        if (!TypesAreCompatible(localBtf, lpId, targetBtf, tpId, level - 1))
                        {
                            return false;
                        }
                    }

                    CoreBtf.SkipModsAndTypedefs(localBtf, lf.ReturnTypeId, out localId);
                    CoreBtf.SkipModsAndTypedefs(targetBtf, tf.ReturnTypeId, out targetId);
                    continue;
                }

                default:
                    return false; // libbpf warns "unexpected kind ... relocated"
            }
        }
    }

    /// <summary>
    /// bpf_core_fields_are_compat: whether a local field's type can be relocated to a target field's type
    /// (any two composites; pointers; floats; enums/fwds with matching essential names or an anonymous side;
    /// non-bitfield-style ints; arrays by element type).
    /// </summary>
    public static bool FieldsAreCompatible(BtfSpec localBtf, uint localId, BtfSpec targetBtf, uint targetId)
    {
        // libbpf loops here without a bound; a bound only matters for malformed (cyclic) BTF.
        for (int depth = 0; depth < MaxDepth; depth++)
        {
            var local = CoreBtf.SkipModsAndTypedefs(localBtf, localId, out localId);
            var target = CoreBtf.SkipModsAndTypedefs(targetBtf, targetId, out targetId);
            if (local is BtfComposite && target is BtfComposite)
            {
                return true;
            }

            if (!CoreBtf.KindsCompatible(local.Kind, target.Kind))
            {
                return false;
            }

            switch (local.Kind)
            {
                case BtfKind.Pointer or BtfKind.Float:
                    return true;
                case BtfKind.Forward or BtfKind.Enum or BtfKind.Enum64:
                {
                    string ln = BtfCoreNames.EssentialName(local.Name), tn = BtfCoreNames.EssentialName(target.Name);
                    return ln.Length == 0 || tn.Length == 0 || string.Equals(ln, tn, StringComparison.Ordinal);
                }

                case BtfKind.Int:
                    return ((BtfInt)local).BitOffset == 0 && ((BtfInt)target).BitOffset == 0;
                case BtfKind.Array:
                    localId = ((BtfArray)local).ElementTypeId;
                    targetId = ((BtfArray)target).ElementTypeId;
                    continue;
                default:
                    return false;
            }
        }

        throw CoreFailure.Invalid($"field types [{localId}] and [{targetId}] nest deeper than {MaxDepth}");
    }

    /// <summary>bpf_core_types_match (TYPE_MATCHES): a stricter, structural match; the root names are assumed to match.</summary>
    public static bool TypesMatch(BtfSpec localBtf, uint localId, BtfSpec targetBtf, uint targetId) =>
        TypesMatch(localBtf, localId, targetBtf, targetId, behindPointer: false, MaxDepth);

    private static bool TypesMatch(BtfSpec localBtf, uint localId, BtfSpec targetBtf, uint targetId, bool behindPointer, int level)
    {
        if (level <= 0)
        {
            throw CoreFailure.Invalid($"types [{localId}] and [{targetId}] nest too deeply to match");
        }

        for (int depth = MaxDepth; ; )
        {
            if (--depth < 0)
            {
                throw CoreFailure.Invalid($"types [{localId}] and [{targetId}] nest deeper than {MaxDepth}");
            }

            var local = CoreBtf.SkipModsAndTypedefs(localBtf, localId, out localId);
            var target = CoreBtf.SkipModsAndTypedefs(targetBtf, targetId, out targetId);

            // Names are checked after typedefs are skipped; the root's own (typedef) name was matched by the search.
            if (!NamesMatch(local.Name, target.Name))
            {
                return false;
            }

            switch (local)
            {
                case BtfVoid:
                    return target.Kind == BtfKind.Void;
                case BtfForward lf:
                    if (behindPointer)
                    {
                        // Behind a pointer a forward declaration stands for the struct or union it declares.
                        return target switch
                        {
                            BtfForward tf => lf.IsUnion == tf.IsUnion,
                            BtfComposite tc => tc.IsUnion == lf.IsUnion,
                            _ => false,
                        };
                    }

                    return target is BtfForward tf2 && lf.IsUnion == tf2.IsUnion;
                case BtfEnum le:
                    return target is BtfEnum te && EnumsMatch(le, te);
                case BtfComposite lc:
                    if (behindPointer)
                    {
                        if (target.Kind == local.Kind) return true;
                        return target is BtfForward tfw && lc.IsUnion == tfw.IsUnion;
                    }

                    return target.Kind == local.Kind && CompositesMatch(localBtf, lc, targetBtf, (BtfComposite)target, behindPointer, level);
                case BtfInt li:
                    return target is BtfInt ti && li.Size == ti.Size && li.IsSigned == ti.IsSigned;
                case BtfPointer lp:
                    if (target is not BtfPointer tp) return false;
                    behindPointer = true;
                    localId = lp.TypeId;
                    targetId = tp.TypeId;
                    continue;
                case BtfArray la:
                    if (target is not BtfArray ta || la.Count != ta.Count) return false;
                    localId = la.ElementTypeId;
                    targetId = ta.ElementTypeId;
                    continue;
                case BtfFuncProto lf:
                {
                    if (target is not BtfFuncProto tf || lf.Parameters.Count != tf.Parameters.Count) return false;
                    for (int i = 0; i < lf.Parameters.Count; i++)
                    {
                        if (!TypesMatch(localBtf, lf.Parameters[i].TypeId, targetBtf, tf.Parameters[i].TypeId, behindPointer, level - 1))
                        {
                            return false;
                        }
                    }

                    localId = lf.ReturnTypeId;
                    targetId = tf.ReturnTypeId;
                    continue;
                }

                default:
                    return false; // libbpf warns "unexpected kind ... relocated"
            }
        }
    }

    /// <summary>bpf_core_names_match: an anonymous target only matches an anonymous local; else essential names must be equal.</summary>
    private static bool NamesMatch(string local, string target)
    {
        if (target.Length == 0)
        {
            return local.Length == 0;
        }

        return string.Equals(BtfCoreNames.EssentialName(local), BtfCoreNames.EssentialName(target), StringComparison.Ordinal);
    }

    /// <summary>Same size (ENUM and ENUM64 may match each other), and every local enumerator name exists in the target.</summary>
    private static bool EnumsMatch(BtfEnum local, BtfEnum target)
    {
        if (local.Size != target.Size || local.Values.Count > target.Values.Count)
        {
            return false;
        }

        foreach (var lv in local.Values)
        {
            bool found = false;
            foreach (var tv in target.Values)
            {
                if (NamesMatch(lv.Name, tv.Name))
                {
                    found = true;
                    break;
                }
            }

            if (!found) return false;
        }

        return true;
    }

    /// <summary>Every local member has a target member of matching name whose type matches recursively.</summary>
    private static bool CompositesMatch(BtfSpec localBtf, BtfComposite local, BtfSpec targetBtf, BtfComposite target, bool behindPointer, int level)
    {
        if (local.Members.Count > target.Members.Count)
        {
            return false;
        }

        foreach (var lm in local.Members)
        {
            bool matched = false;
            foreach (var tm in target.Members)
            {
                if (!NamesMatch(lm.Name, tm.Name))
                {
                    continue;
                }

                if (TypesMatch(localBtf, lm.TypeId, targetBtf, tm.TypeId, behindPointer, level - 1))
                {
                    matched = true;
                    break;
                }
            }

            if (!matched) return false;
        }

        return true;
    }
}
