using PSBpf.Engine.Btf;

namespace PSBpf.Engine.Loader;

/// <summary>
/// Turns a relocation's access string ("0:1:2") into a <see cref="CoreSpec"/> against the local BTF,
/// validating it along the way (libbpf's bpf_core_parse_spec).
/// </summary>
internal static class CoreSpecParser
{
    public static CoreSpec Parse(BtfSpec btf, uint rootTypeId, string access, BtfCoreRelocationKind kind)
    {
        if (access.Length == 0 || access[0] == ':')
        {
            throw CoreFailure.Invalid("empty access string");
        }

        var spec = new CoreSpec(btf, rootTypeId, kind);

        // Type-based relocations carry no field access; clang always writes "0".
        if (CoreKinds.IsTypeBased(kind))
        {
            return access == "0" ? spec : throw CoreFailure.Invalid($"type-based relocation needs access string \"0\", not \"{access}\"");
        }

        ParseIndices(access, spec);
        if (spec.RawLength == 0)
        {
            throw CoreFailure.Invalid("access string has no indices");
        }

        var t = CoreBtf.SkipModsAndTypedefs(btf, rootTypeId, out uint id);
        int index = spec.Raw[0];
        spec.Push(new CoreAccessor(id, (uint)index, null));

        if (CoreKinds.IsEnumValueBased(kind))
        {
            if (t is not BtfEnum e || spec.RawLength > 1 || index >= e.Values.Count)
            {
                throw CoreFailure.Invalid($"enum value relocation needs one enumerator index of an enum, got \"{access}\" on {CoreFormat.Type(t)}");
            }

            // The enumerator's name is what gets matched in the target.
            spec.Accessors[0] = spec.Accessors[0] with { Name = e.Values[index].Name };
            return spec;
        }

        if (!CoreKinds.IsFieldBased(kind))
        {
            throw CoreFailure.Invalid($"unknown relocation kind {(uint)kind}");
        }

        // The first index steps over whole root objects (ptr[n]), so it scales by the root's size.
        uint size = CoreBtf.ResolveSize(btf, id);
        spec.BitOffset = unchecked((uint)((long)index * size * 8));

        for (int i = 1; i < spec.RawLength; i++)
        {
            t = CoreBtf.SkipModsAndTypedefs(btf, id, out id);
            index = spec.Raw[i];
            if (t is BtfComposite c)
            {
                if (index >= c.Members.Count)
                {
                    throw CoreFailure.Invalid($"member index {index} is out of range for {CoreFormat.Type(c)} ({c.Members.Count} members)");
                }

                var m = c.Members[index];
                spec.BitOffset = unchecked(spec.BitOffset + m.BitOffset);

                // Anonymous members (embedded structs/unions) are only a raw step: they have no name to match.
                if (m.Name.Length > 0)
                {
                    spec.Push(new CoreAccessor(id, (uint)index, m.Name));
                }

                id = m.TypeId;
            }
            else if (t is BtfArray a)
            {
                CoreBtf.SkipModsAndTypedefs(btf, a.ElementTypeId, out id);
                bool flex = IsFlexibleArray(btf, spec.Accessors[spec.Length - 1], a);
                if (!flex && (uint)index >= a.Count)
                {
                    throw CoreFailure.Invalid($"array index {index} is out of range for {CoreFormat.Type(a)} ({a.Count} elements)");
                }

                spec.Push(new CoreAccessor(id, (uint)index, null));
                size = CoreBtf.ResolveSize(btf, id);
                spec.BitOffset = unchecked(spec.BitOffset + (uint)((long)index * size * 8));
            }
            else
            {
                throw CoreFailure.Invalid($"relo for [{rootTypeId}] {access} (at idx {i}) captures type [{id}] of unexpected kind {CoreFormat.BtfKindName(t.Kind)}");
            }
        }

        return spec;
    }

    /// <summary>
    /// A zero-length array that is the last member of the struct reached through <paramref name="previous"/>
    /// (is_flex_arr): any index into it is allowed.
    /// </summary>
    public static bool IsFlexibleArray(BtfSpec btf, CoreAccessor previous, BtfArray array)
    {
        if (previous.Name is null || array.Count > 0)
        {
            return false;
        }

        var holder = CoreBtf.TypeById(btf, previous.TypeId);
        return previous.Index == (uint)(CoreBtf.Vlen(holder) - 1);
    }

    /// <summary>
    /// Splits "0:1:2" like libbpf's loop of sscanf("%d%n"): an optional ':' before each number, C whitespace
    /// and a sign accepted before the digits, no negative indices, at most <see cref="CoreSpec.MaxLength"/> of them.
    /// </summary>
    private static void ParseIndices(string s, CoreSpec spec)
    {
        int p = 0;
        while (p < s.Length)
        {
            if (s[p] == ':') p++;
            while (p < s.Length && s[p] is ' ' or '\t' or '\n' or '\v' or '\f' or '\r') p++;
            bool negative = false;
            if (p < s.Length && s[p] is '+' or '-')
            {
                negative = s[p] == '-';
                p++;
            }

            int start = p;
            long value = 0;
            while (p < s.Length && s[p] is >= '0' and <= '9')
            {
                value = value * 10 + (s[p] - '0');
                if (value > int.MaxValue + 1L)
                {
                    throw CoreFailure.Invalid($"access string \"{s}\": index out of range");
                }

                p++;
            }

            if (p == start)
            {
                throw CoreFailure.Invalid($"access string \"{s}\" is malformed at position {start}");
            }

            if (negative && value != 0)
            {
                throw CoreFailure.Invalid($"access string \"{s}\" has a negative index");
            }

            if (value > int.MaxValue)
            {
                throw CoreFailure.Invalid($"access string \"{s}\": index out of range");
            }

            if (spec.RawLength == CoreSpec.MaxLength)
            {
                throw new CoreFailure(CoreFailure.E2BIG, $"access string \"{s}\" has more than {CoreSpec.MaxLength} indices");
            }

            spec.PushRaw((int)value);
        }
    }
}
