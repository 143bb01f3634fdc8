using Microsoft.Win32.SafeHandles;

namespace PSBpf.Engine.Elf;

/// <summary>
/// An ELF file read with pread(2) where it is needed. Small reads (ELFSharp reads headers field by field) come from one
/// block read ahead; large ones (section contents) go straight into their own arrays. Not a mapping: a file truncated
/// under a mapping raises SIGBUS, which would end the process.
/// </summary>
internal sealed class ElfFileSource : ElfSource
{
    private const int BlockSize = 16 * 1024;
    private readonly SafeFileHandle _handle;
    private readonly byte[] _block = new byte[BlockSize];
    private long _blockOffset;
    private int _blockLength;

    public ElfFileSource(string path)
    {
        _handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read, FileOptions.RandomAccess);
        try
        {
            Length = RandomAccess.GetLength(_handle);
        }
        catch
        {
            _handle.Dispose();
            throw;
        }
    }

    public override long Length { get; }

    public override int Read(long offset, Span<byte> destination)
    {
        if (offset < 0 || offset >= Length)
        {
            return 0;
        }

        if (destination.Length >= BlockSize)
        {
            return ReadFully(offset, destination);
        }

        if (offset < _blockOffset || offset + destination.Length > _blockOffset + _blockLength)
        {
            _blockOffset = offset;
            _blockLength = ReadFully(offset, _block);
        }

        int start = (int)(offset - _blockOffset);
        int n = Math.Min(destination.Length, _blockLength - start);
        _block.AsSpan(start, n).CopyTo(destination);
        return n;
    }

    public override ReadOnlyMemory<byte> Slice(long offset, int length)
    {
        var bytes = new byte[length];
        if (Read(offset, bytes) != length)
        {
            throw new EndOfStreamException($"the file ended before the {length} bytes at 0x{offset:x} (was it truncated while being read?)");
        }

        return bytes;
    }

    public override void Dispose() => _handle.Dispose();

    private int ReadFully(long offset, Span<byte> destination)
    {
        ObjectDisposedException.ThrowIf(_handle.IsClosed, this);
        int total = 0;
        while (total < destination.Length)
        {
            int n = RandomAccess.Read(_handle, destination[total..], offset + total);
            if (n == 0)
            {
                break;
            }

            total += n;
        }

        return total;
    }
}
