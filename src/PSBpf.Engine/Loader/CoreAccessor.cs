namespace PSBpf.Engine.Loader;

/// <summary>One high-level step of a CO-RE spec (bpf_core_accessor): a named field or an array index.</summary>
/// <param name="TypeId">For a field, the struct/union that holds it; for an index, the (modifier-stripped) element type.</param>
/// <param name="Index">Member index or array index (for enum value relocations, the enumerator index).</param>
/// <param name="Name">Field or enumerator name; null for an array index.</param>
internal readonly record struct CoreAccessor(uint TypeId, uint Index, string? Name);
