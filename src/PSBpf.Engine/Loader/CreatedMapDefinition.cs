namespace PSBpf.Engine.Loader;

/// <summary>What a map was created with where that differs from its opened definition (kept on the map once a load succeeds).</summary>
internal sealed record CreatedMapDefinition(uint MaxEntries, uint ValueSize, string? PinPath, byte[]? InitialData);
