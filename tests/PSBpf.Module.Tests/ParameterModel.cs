namespace PSBpf.Module.Tests;

/// <summary>A cmdlet parameter as its attributes declare it (read reflection-only).</summary>
internal sealed record ParameterModel(
    string Name,
    Type Type,
    IReadOnlyList<string> Aliases,
    bool SupportsWildcards,
    IReadOnlyList<ParameterSetBinding> Sets)
{
    /// <summary>Element type for arrays (PowerShell binds one pipeline object to an array parameter by wrapping it).</summary>
    public Type ElementType => Type.IsArray ? Type.GetElementType()! : Type;

    public bool IsSwitch => Type.FullName == "System.Management.Automation.SwitchParameter";

    public bool Answers(string name) =>
        string.Equals(Name, name, StringComparison.OrdinalIgnoreCase) || Aliases.Contains(name, StringComparer.OrdinalIgnoreCase);
}
