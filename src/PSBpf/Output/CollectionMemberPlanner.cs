using System.Reflection;

namespace PSBpf.Output;

/// <summary>
/// Decides which items of a named collection (programs, maps, globals, externs) get a by-name member in PowerShell
/// (<c>$o.Programs.handle_tp</c>). PowerShell looks up instance members first and case-insensitively, so a member
/// named like one of the collection's own members (<c>count</c>, <c>find</c>, <c>names</c>) would hide it, and two
/// items differing only in case cannot both be members. Those items are skipped; <c>$o.Globals['count']</c> still works.
/// </summary>
public static class CollectionMemberPlanner
{
    /// <summary>
    /// Names PowerShell gives every object or collection: the reserved member sets, the intrinsic
    /// Count/Length properties and the intrinsic ForEach/Where methods.
    /// </summary>
    public static IReadOnlyCollection<string> IntrinsicMemberNames { get; } =
        ["psobject", "psbase", "psadapted", "psextended", "pstypenames", "Count", "Length", "ForEach", "Where"];

    /// <summary>Member names an item may not take on a collection of <paramref name="collectionType"/> (case-insensitive).</summary>
    public static HashSet<string> ReservedNames(Type collectionType)
    {
        ArgumentNullException.ThrowIfNull(collectionType);
        var names = new HashSet<string>(IntrinsicMemberNames, StringComparer.OrdinalIgnoreCase);
        foreach (var member in collectionType.GetMembers(BindingFlags.Public | BindingFlags.Instance))
        {
            switch (member)
            {
                case PropertyInfo p when p.GetIndexParameters().Length == 0:
                    names.Add(p.Name);
                    break;
                case PropertyInfo:
                    // Indexers surface in PowerShell as the parameterized property "Item".
                    names.Add("Item");
                    break;
                case MethodInfo m when !m.IsSpecialName:
                    names.Add(m.Name);
                    break;
                case FieldInfo or EventInfo:
                    names.Add(member.Name);
                    break;
            }
        }

        return names;
    }

    /// <summary>Plans the members for items named <paramref name="names"/> (in order; the first of equal names wins, as in the collection).</summary>
    public static MemberPlan Plan(IEnumerable<string> names, Type collectionType)
    {
        ArgumentNullException.ThrowIfNull(names);
        var reserved = ReservedNames(collectionType);
        var taken = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var members = new List<string>();
        var skipped = new List<SkippedMember>();
        foreach (var name in names)
        {
            if (string.IsNullOrEmpty(name))
            {
                skipped.Add(new SkippedMember(name ?? string.Empty, "the item has no name"));
            }
            else if (reserved.Contains(name))
            {
                skipped.Add(new SkippedMember(name, $"'{name}' is also a member of the collection itself; use ['{name}']"));
            }
            else if (taken.TryGetValue(name, out var first))
            {
                skipped.Add(new SkippedMember(name, string.Equals(first, name, StringComparison.Ordinal)
                    ? $"another item is also named '{name}'; the first one has the member"
                    : $"'{name}' differs only in case from '{first}' and PowerShell member names ignore case; use ['{name}']"));
            }
            else
            {
                taken.Add(name, name);
                members.Add(name);
            }
        }

        return new MemberPlan(members, skipped);
    }
}
