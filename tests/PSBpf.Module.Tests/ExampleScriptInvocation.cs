namespace PSBpf.Module.Tests;

/// <summary>One command call found in a script: the command name, the parameter names given (without '-'), its line.</summary>
internal sealed record ExampleScriptInvocation(string Command, IReadOnlyList<string> Parameters, int Line)
{
    public override string ToString() => $"line {Line}: {Command} {string.Join(' ', Parameters.Select(p => "-" + p))}";
}
