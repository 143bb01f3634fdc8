using System.Runtime.InteropServices;

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

    public override bool TryGetWindow(long offset, out byte[] array, out int start, out int length, out long windowOffset)
    {
        windowOffset = 0;
        if (MemoryMarshal.TryGetArray(_image, out var segment) && segment.Array is { } whole)
        {
            (array, start, length) = (whole, segment.Offset, segment.Count);
            return true;
        }

        return base.TryGetWindow(offset, out array, out start, out length, out windowOffset);
    }

    public override ReadOnlyMemory<byte> Slice(long offset, int length) => _image.Slice((int)offset, length);
}
