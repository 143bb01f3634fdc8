namespace PSBpf.Output;

/// <summary>An item that gets no by-name member on its collection, and why; it stays reachable through the string indexer.</summary>
/// <param name="Name">The item's name.</param>
/// <param name="Reason">Why no member was added.</param>
public sealed record SkippedMember(string Name, string Reason);
