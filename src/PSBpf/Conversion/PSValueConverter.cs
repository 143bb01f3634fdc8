using System.Management.Automation;
using PSBpf.Engine.Btf;

namespace PSBpf.Conversion;

/// <summary>
/// Converts between PowerShell values and the engine's plain values.
/// Input (<see cref="ToEngineValue"/>): PSObject → its base object; PSCustomObject → an ordered dictionary of its properties;
/// hashtables and arrays converted element by element; so <c>@{ pid = 1; comm = 'bash' }</c>,
/// <c>[pscustomobject]@{ ... }</c> and pipeline objects all encode through BTF.
/// Output (<see cref="ToPSValue"/>): decoded structs become ordered PSCustomObjects.
/// </summary>
public sealed class PSValueConverter : IValueUnwrapper
{
    private PSValueConverter()
    {
    }

    /// <summary>The PowerShell unwrapper.</summary>
    public static PSValueConverter Instance { get; } = new();

    /// <summary>The engine-friendly form of a PowerShell value (see the class remarks).</summary>
    /// <exception cref="BpfValueException">The value refers to itself.</exception>
    public static object? ToEngineValue(object? value) => ValueShapes.ToPlain(value, Instance);

    /// <summary>A decoded engine value with every struct as an ordered PSCustomObject (arrays stay object arrays).</summary>
    public static object? ToPSValue(object? value) => ValueShapes.MapRecords(value, static entries =>
    {
        var record = new PSObject();
        foreach (var (name, v) in entries)
        {
            record.Properties.Add(new PSNoteProperty(name, v));
        }

        return record;
    });

    /// <inheritdoc />
    public bool TryUnwrap(object value, out object? unwrapped, out IReadOnlyList<KeyValuePair<string, object?>>? properties)
    {
        unwrapped = null;
        properties = null;
        if (value is not PSObject pso)
        {
            return false;
        }

        if (pso.BaseObject is PSCustomObject)
        {
            var list = new List<KeyValuePair<string, object?>>();
            foreach (var p in pso.Properties)
            {
                list.Add(new(p.Name, p.Value));
            }

            properties = list;
            return true;
        }

        unwrapped = pso.BaseObject;
        return true;
    }
}
