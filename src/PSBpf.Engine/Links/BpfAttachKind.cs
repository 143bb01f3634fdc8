namespace PSBpf.Engine;

/// <summary>
/// One attach kind: the programs it serves and what target it needs. <see cref="BpfAttachKinds"/> holds one per kind,
/// and the engine's "needs a target" errors and Add-BpfAttachment's hints are both built from it.
/// </summary>
/// <param name="Name">Kind name, as in Get-BpfLink's Kind (xdp, tcx, cgroup, uprobe, …).</param>
/// <param name="Serves">Whether a program (by type, expected attach type and section name) attaches this way.</param>
/// <param name="Target">What target a program of this kind needs, in words; null when the section name or defaults suffice.</param>
/// <param name="Options">The <see cref="BpfAttachOptions"/> members that name the target.</param>
/// <param name="Parameters">The Add-BpfAttachment parameters that name the target.</param>
public sealed record BpfAttachKind(string Name, Func<BpfProgram, bool> Serves, string? Target, IReadOnlyList<string> Options, IReadOnlyList<string> Parameters)
{
    /// <summary>The target in words with the options that give it, e.g. "an interface (Interface)".</summary>
    public string? TargetHint => Target is null ? null : Options.Count == 0 ? Target : $"{Target} ({string.Join(", ", Options)})";

    /// <summary>The Add-BpfAttachment parameters that give the target, e.g. "-Interface".</summary>
    public string ParameterHint => string.Join(" ", Parameters.Select(p => "-" + p));

    /// <summary>Checks that <paramref name="program"/> is loaded and of this kind, as every public entry point does first.</summary>
    /// <exception cref="ArgumentException">The program attaches some other way.</exception>
    /// <exception cref="BpfNotLoadedException">The program is not loaded.</exception>
    internal void Require(BpfProgram program)
    {
        ArgumentNullException.ThrowIfNull(program);
        program.LoadedFd();
        if (!Serves(program))
        {
            string other = BpfAttachKinds.Of(program)?.Name ?? "no kind this build has";
            throw new ArgumentException($"program '{program.Name}' ({program.Type}, section '{program.SectionName}') does not attach as {Name} (it is {other})", nameof(program));
        }
    }
}
