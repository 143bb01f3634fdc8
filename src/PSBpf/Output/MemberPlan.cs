namespace PSBpf.Output;

/// <summary>Which item names of a collection become PowerShell members, and which are skipped.</summary>
/// <param name="Members">Names that get a member, in collection order.</param>
/// <param name="Skipped">Names that do not, with the reason.</param>
public sealed record MemberPlan(IReadOnlyList<string> Members, IReadOnlyList<SkippedMember> Skipped);
