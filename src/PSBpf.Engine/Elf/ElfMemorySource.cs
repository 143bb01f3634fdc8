namespace PSBpf.Engine.Elf;

/// <summary>An ELF image already in memory: reads copy from it, slices share it.</summary>
internal sealed class ElfMemorySource : ElfSource
{
    private readonly ReadOnlyMemory<byte> _image;

    public ElfMemorySource(ReadOnlyMemory<byte> image) => _image = image;

    public override long Length => _image.Length;

    public override int Read(long offset, Span<byte> destination)
    {
        if (offset < 0 || offset >= _image.Length)
        {
            return 0;
        }

        var available = _image.Span[(int)offset..];
        int n = Math.Min(available.Length, destination.Length);
        available[..n].CopyTo(destination);
        return n;
    }

    public override ReadOnlyMemory<byte> Slice(long offset, int length) => _image.Slice((int)offset, length);
}
