namespace PSBpf.Engine.Elf;

/// <summary>
/// Where an ELF image's bytes come from: an image in memory, or a file read section by section, so that opening an
/// object reads only the parts the loader uses (a BPF object is mostly DWARF that nothing here reads).
/// </summary>
internal abstract class ElfSource : IDisposable
{
    /// <summary>Length of the image in bytes.</summary>
    public abstract long Length { get; }

    /// <summary>Copies bytes at <paramref name="offset"/> into <paramref name="destination"/>; fewer only at the end of the image.</summary>
    public abstract int Read(long offset, Span<byte> destination);

    /// <summary>The bytes of a range that the caller has checked against <see cref="Length"/>.</summary>
    public abstract ReadOnlyMemory<byte> Slice(long offset, int length);

    /// <summary>
    /// Changes whenever bytes handed out by <see cref="TryGetWindow"/> may have been replaced (a file's block reused), so
    /// a reader that keeps a window knows when to ask again.
    /// </summary>
    public int Generation { get; protected set; }

    /// <summary>
    /// The bytes held in memory around <paramref name="offset"/>, for readers that read a few bytes at a time (ELFSharp
    /// reads its headers field by field): <paramref name="array"/>[<paramref name="start"/>..+<paramref name="length"/>]
    /// holds the image from <paramref name="windowOffset"/>, valid while <see cref="Generation"/> stays the same.
    /// </summary>
    public virtual bool TryGetWindow(long offset, out byte[] array, out int start, out int length, out long windowOffset)
    {
        array = [];
        start = length = 0;
        windowOffset = 0;
        return false;
    }

    /// <summary>Releases the file, if any; ranges already sliced stay valid.</summary>
    public virtual void Dispose()
    {
    }

    /// <summary>Reads exactly <paramref name="length"/> bytes at <paramref name="offset"/> into a new array.</summary>
    public byte[] ReadExact(long offset, int length, string? file, string? section)
    {
        // not zeroed: Read fills it or this throws, and zeroing what is about to be overwritten was measurable
        var bytes = GC.AllocateUninitializedArray<byte>(length);
        if (Read(offset, bytes) != length)
        {
            throw new BpfFormatException(file, section, offset, $"the file ended before the {length} bytes at 0x{offset:x} (was it truncated while being read?)");
        }

        return bytes;
    }
}
