namespace PSBpf.Conversion;

/// <summary>
/// Tells <see cref="ValueShapes.ToPlain(object?, IValueUnwrapper)"/> how the host wraps values. PowerShell's implementation
/// (<see cref="PSValueConverter"/>) unwraps PSObject and exposes a PSCustomObject's properties;
/// tests supply their own, so the recursion is testable without a runspace.
/// </summary>
public interface IValueUnwrapper
{
    /// <summary>
    /// True when <paramref name="value"/> is a host wrapper. Then either <paramref name="properties"/> is set
    /// (a property bag such as a PSCustomObject, converted to an ordered dictionary) or <paramref name="unwrapped"/>
    /// holds the wrapped value (converted in turn).
    /// </summary>
    bool TryUnwrap(object value, out object? unwrapped, out IReadOnlyList<KeyValuePair<string, object?>>? properties);
}
