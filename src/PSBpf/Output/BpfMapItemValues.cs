using PSBpf.Conversion;
using PSBpf.Engine;

namespace PSBpf.Output;

/// <summary>Turns a value the engine decoded from a map into the <see cref="BpfMapItem.Value"/> PowerShell sees.</summary>
internal static class BpfMapItemValues
{
    /// <summary>
    /// The PowerShell value of <paramref name="decoded"/>; per-CPU maps (decoded as one value per CPU) give an
    /// object[] with each CPU's value converted.
    /// </summary>
    public static object? ToPSValue(BpfMap map, object? decoded) =>
        BpfMapAccess.IsPerCpu(map.Type) && decoded is object?[] perCpu
            ? perCpu.Select(PSValueConverter.ToPSValue).ToArray()
            : PSValueConverter.ToPSValue(decoded);
}
