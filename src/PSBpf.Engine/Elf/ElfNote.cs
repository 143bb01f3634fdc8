namespace PSBpf.Engine.Elf;

/// <summary>One entry of an SHT_NOTE section.</summary>
/// <param name="Name">Owner name (without the terminating NUL).</param>
/// <param name="Type">n_type.</param>
/// <param name="Descriptor">n_desc bytes.</param>
public sealed record ElfNote(string Name, uint Type, ReadOnlyMemory<byte> Descriptor);
