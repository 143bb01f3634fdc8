using PSBpf.Engine.Btf;

namespace PSBpf.Engine.Loader;

/// <summary>
/// Matches a local <see cref="CoreSpec"/> against one candidate type of the target BTF, filling in the
/// target spec (libbpf's bpf_core_spec_match and bpf_core_match_member).
/// </summary>
internal static class CoreSpecMatcher
{
    /// <summary>
    /// True when <paramref name="local"/> resolves in the candidate <paramref name="target"/> (whose root is the
    /// candidate id). On false, <paramref name="target"/> holds the partial match, which libbpf logs.
    /// </summary>
    public static bool Match(CoreSpec local, CoreSpec target)
    {
        var targetBtf = target.Btf;
        uint targetId = target.RootTypeId;

        if (CoreKinds.IsTypeBased(local.Kind))
        {
            return local.Kind == BtfCoreRelocationKind.TypeMatches
                ? CoreCompatibility.TypesMatch(local.Btf, local.RootTypeId, targetBtf, targetId)
                : CoreCompatibility.TypesAreCompatible(local.Btf, local.RootTypeId, targetBtf, targetId);
        }

        if (CoreKinds.IsEnumValueBased(local.Kind))
        {
            return MatchEnumerator(local.Accessors[0], target);
        }

        if (!CoreKinds.IsFieldBased(local.Kind))
        {
            throw CoreFailure.Invalid($"unknown relocation kind {(uint)local.Kind}");
        }

        for (int i = 0; i < local.Length; i++)
        {
            var localAcc = local.Accessors[i];
            var targetType = CoreBtf.SkipModsAndTypedefs(targetBtf, targetId, out targetId);
            if (localAcc.Name is not null)
            {
                if (!MatchMember(local.Btf, localAcc, targetBtf, targetId, target, out targetId))
                {
                    return false;
                }

                continue;
            }

            // The first accessor indexes the root itself (already the "element" type); later ones need an array.
            if (i > 0)
            {
                if (targetType is not BtfArray a)
                {
                    return false;
                }

                bool flex = CoreSpecParser.IsFlexibleArray(targetBtf, target.Accessors[i - 1], a);
                if (!flex && localAcc.Index >= a.Count)
                {
                    return false;
                }

                CoreBtf.SkipModsAndTypedefs(targetBtf, a.ElementTypeId, out targetId);
            }

            if (target.RawLength == CoreSpec.MaxLength)
            {
                throw new CoreFailure(CoreFailure.E2BIG, "struct/union/array nesting is deeper than the spec allows");
            }

            target.Push(new CoreAccessor(targetId, localAcc.Index, null));
            target.PushRaw((int)localAcc.Index);
            uint size = CoreBtf.ResolveSize(targetBtf, targetId);
            target.BitOffset = unchecked(target.BitOffset + localAcc.Index * size * 8);
        }

        return true;
    }

    /// <summary>Finds the enumerator with the same essential name in the target enum.</summary>
    private static bool MatchEnumerator(CoreAccessor localAcc, CoreSpec target)
    {
        var t = CoreBtf.SkipModsAndTypedefs(target.Btf, target.RootTypeId, out uint targetId);
        if (t is not BtfEnum e)
        {
            return false;
        }

        string wanted = BtfCoreNames.EssentialName(localAcc.Name!);
        for (int i = 0; i < e.Values.Count; i++)
        {
            string name = e.Values[i].Name;
            if (string.Equals(BtfCoreNames.EssentialName(name), wanted, StringComparison.Ordinal))
            {
                target.Push(new CoreAccessor(targetId, (uint)i, name));
                target.PushRaw(i);
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Searches the target struct/union for the local field by name, descending into anonymous members,
    /// appending raw steps speculatively and undoing them on a miss, exactly as libbpf does.
    /// </summary>
    private static bool MatchMember(BtfSpec localBtf, CoreAccessor localAcc, BtfSpec targetBtf, uint targetId, CoreSpec spec, out uint nextTargetId)
    {
        nextTargetId = targetId;
        var targetType = CoreBtf.SkipModsAndTypedefs(targetBtf, targetId, out targetId);
        if (targetType is not BtfComposite composite)
        {
            return false;
        }

        var localHolder = (BtfComposite)CoreBtf.TypeById(localBtf, localAcc.TypeId);
        var localMember = localHolder.Members[(int)localAcc.Index];

        for (int i = 0; i < composite.Members.Count; i++)
        {
            var m = composite.Members[i];
            if (spec.RawLength == CoreSpec.MaxLength)
            {
                throw new CoreFailure(CoreFailure.E2BIG, "struct/union nesting is deeper than the spec allows");
            }

            // Speculate that this member is the one.
            spec.BitOffset = unchecked(spec.BitOffset + m.BitOffset);
            spec.PushRaw(i);

            if (m.Name.Length == 0)
            {
                if (MatchMember(localBtf, localAcc, targetBtf, m.TypeId, spec, out nextTargetId))
                {
                    return true;
                }
            }
            else if (string.Equals(localMember.Name, m.Name, StringComparison.Ordinal))
            {
                spec.Push(new CoreAccessor(targetId, (uint)i, m.Name));
                nextTargetId = m.TypeId;
                if (CoreCompatibility.FieldsAreCompatible(localBtf, localMember.TypeId, targetBtf, m.TypeId))
                {
                    return true;
                }

                // An incompatible field of the right name ends the search at this nesting level (an enclosing
                // anonymous member's siblings are still tried). Like libbpf, only the accessor is popped: the raw
                // step and bit offset stay, which shows in the logged partial spec.
                spec.Length--;
                return false;
            }

            spec.BitOffset = unchecked(spec.BitOffset - m.BitOffset);
            spec.RawLength--;
        }

        return false;
    }
}
