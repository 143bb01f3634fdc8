using System.Management.Automation;
using PSBpf.Engine;

namespace PSBpf.Output;

/// <summary>
/// Prepares a <see cref="BpfObject"/> for the pipeline: every program, subprogram, map, extern and global becomes a by-name
/// member of its collection, so <c>$o.Programs.handle_tp</c>, <c>$o.Maps.rb</c> and <c>$o.Globals.my_pid = $PID</c> work while
/// <c>$o.Programs | Format-Table</c> still enumerates the items.
/// </summary>
/// <remarks>
/// <para>The members are instance members of the collection object itself, added through <c>PSObject.AsPSObject(collection)</c>.
/// PowerShell stores instance members of a PSObject in a process-wide ConditionalWeakTable keyed by the wrapped object
/// (PSObject.GetKeyForResurrectionTables), and its member binders check that table for any target, wrapped or not
/// (PSGetMemberBinder.TryGetInstanceMember), before the adapted .NET members and before member-access enumeration.
/// So the members are found even on the plain collection that the CLR property <c>BpfObject.Programs</c> returns,
/// and the BpfObject needs no shadowing properties.</para>
/// <para>Nothing is added to the BpfObject itself and the collections stay what they are, so ConvertTo-Json, Export-Clixml and
/// the format views see plain data: ConvertTo-Json reads the BpfObject's CLR properties by reflection and serialises the
/// collections as arrays.</para>
/// </remarks>
public static class BpfObjectWrapper
{
    /// <summary>Adds the by-name members and returns the object wrapped in a PSObject. Calling it again is harmless.</summary>
    /// <param name="obj">The opened object.</param>
    /// <param name="skipped">Called once per item that gets no member, with a message saying why and how to reach it instead.</param>
    public static PSObject Wrap(BpfObject obj, Action<string>? skipped = null)
    {
        ArgumentNullException.ThrowIfNull(obj);
        AddMembers(obj.Programs, p => new PSNoteProperty(p.Name, p), "Programs", skipped);
        AddMembers(obj.Subprograms, p => new PSNoteProperty(p.Name, p), "Subprograms", skipped);
        AddMembers(obj.Maps, m => new PSNoteProperty(m.Name, m), "Maps", skipped);
        AddMembers(obj.Externs, e => new PSNoteProperty(e.Name, e), "Externs", skipped);
        AddMembers(obj.Globals, g => new BpfGlobalProperty(g), "Globals", skipped);
        return PSObject.AsPSObject(obj);
    }

    private static void AddMembers<T>(BpfNamedCollection<T> items, Func<T, PSPropertyInfo> create, string collectionName, Action<string>? skipped)
        where T : class
    {
        if (items.Count == 0)
        {
            return;
        }

        var plan = CollectionMemberPlanner.Plan(items.Names, items.GetType());
        var wrapper = PSObject.AsPSObject(items);
        foreach (var name in plan.Members)
        {
            try
            {
                // Adding a member with an existing instance member's name replaces it, so re-wrapping is idempotent.
                wrapper.Properties.Add(create(items[name]));
            }
            catch (ExtendedTypeSystemException e)
            {
                // A types.ps1xml member of the same name on the collection type wins.
                skipped?.Invoke($"{collectionName}: no member '{name}': {e.Message}");
            }
        }

        foreach (var s in plan.Skipped)
        {
            skipped?.Invoke($"{collectionName}: no member '{s.Name}': {s.Reason}");
        }
    }
}
