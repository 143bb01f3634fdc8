namespace PSBpf.Engine;

/// <summary>One entry of the section-name table: how a SEC() name maps to program type, attach type and flags.</summary>
/// <param name="Pattern">The SEC() pattern; a trailing '+' means "exact, or followed by '/extras'", a trailing '/' means "prefix".</param>
/// <param name="ProgramType">Program type.</param>
/// <param name="ExpectedAttachType">Expected attach type (null where libbpf passes 0).</param>
/// <param name="Flags">Load and attach behaviour.</param>
/// <param name="AutoAttach">True when the section name alone says where to attach (libbpf has an attach_fn for it).</param>
public sealed record BpfSectionDefinition(string Pattern, BpfProgramType ProgramType, BpfAttachType? ExpectedAttachType, BpfSectionFlags Flags, bool AutoAttach)
{
    /// <summary>True if <paramref name="section"/> (without a leading '?') matches this definition.</summary>
    public bool Matches(string section)
    {
        if (Pattern.EndsWith('/'))
        {
            return section.StartsWith(Pattern, StringComparison.Ordinal);
        }

        if (Pattern.EndsWith('+'))
        {
            var prefix = Pattern.AsSpan(0, Pattern.Length - 1);
            return section.AsSpan().StartsWith(prefix, StringComparison.Ordinal)
                && (section.Length == prefix.Length || section[prefix.Length] == '/');
        }

        return string.Equals(section, Pattern, StringComparison.Ordinal);
    }

    /// <summary>The program flags the load passes for this section (BPF_F_SLEEPABLE, BPF_F_XDP_HAS_FRAGS).</summary>
    public uint ProgramFlags =>
        ((Flags & BpfSectionFlags.Sleepable) != 0 ? BpfProgramFlags.Sleepable : 0u)
        | ((Flags & BpfSectionFlags.XdpFrags) != 0 && ProgramType == BpfProgramType.xdp ? BpfProgramFlags.XdpHasFrags : 0u);
}
