using Microsoft.Win32.SafeHandles;

namespace PSBpf.Engine.Elf;

/// <summary>
/// An ELF file read with pread(2) where it is needed. Small reads (ELFSharp reads headers field by field, and the
/// sections a BPF object's open phase uses are small) come from a few page-aligned blocks kept after their first read;
/// large ones (.BTF) go straight into their own arrays. Not a mapping: a file truncated under a mapping raises SIGBUS,
/// which would end the process.
/// </summary>
internal sealed class ElfFileSource : ElfSource
{
    private const int BlockSize = 4096;
    private const int Blocks = 8;
    private readonly SafeFileHandle _handle;
    // made on first use and not zeroed (every byte read is written by pread first): an open of a BPF object uses
    // about half of them, and a zeroed 32 KiB buffer per open was a sixth of what the open phase allocated
    private readonly byte[]?[] _blocks = new byte[]?[Blocks];
    private readonly long[] _blockIndex = [-1, -1, -1, -1, -1, -1, -1, -1];
    private readonly int[] _blockLength = new int[Blocks];
    private int _next;
    private int _last;

    public ElfFileSource(string path)
    {
        _handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read);
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

        if (destination.Length > Length - offset)
        {
            destination = destination[..(int)(Length - offset)];
        }

        if (destination.Length >= 4 * BlockSize)
        {
            return ReadFully(offset, destination);
        }

        long firstBlock = offset / BlockSize, lastBlock = (offset + destination.Length - 1) / BlockSize;
        if (lastBlock > firstBlock)
        {
            Prefetch(firstBlock, lastBlock);
        }

        int total = 0;
        while (total < destination.Length)
        {
            long at = offset + total;
            var block = Block(at / BlockSize);
            int start = (int)(at % BlockSize);
            if (start >= block.Length)
            {
                break; // the file is shorter than when it was opened
            }

            int n = Math.Min(destination.Length - total, block.Length - start);
            block.Slice(start, n).CopyTo(destination[total..]);
            total += n;
        }

        return total;
    }

    public override ReadOnlyMemory<byte> Slice(long offset, int length)
    {
        var bytes = GC.AllocateUninitializedArray<byte>(length); // filled by Read, or this throws
        if (Read(offset, bytes) != length)
        {
            throw new EndOfStreamException($"the file ended before the {length} bytes at 0x{offset:x} (was it truncated while being read?)");
        }

        return bytes;
    }

    public override void Dispose() => _handle.Dispose();

    private ReadOnlySpan<byte> Block(long index)
    {
        // ELFSharp reads field by field, mostly from the block it read last
        int slot = _blockIndex[_last] == index ? _last : Array.IndexOf(_blockIndex, index);
        if (slot < 0)
        {
            var buffer = TakeSlot(out slot);
            _blockLength[slot] = ReadFully(index * BlockSize, buffer);
            _blockIndex[slot] = index;
        }

        _last = slot;

        return _blocks[slot]!.AsSpan(0, _blockLength[slot]); // every slot in _blockIndex has its buffer
    }

    /// <summary>
    /// Reads the blocks of a range that spans several (the section header table straddles two in most objects) with one
    /// pread instead of one per block. Blocks already held are kept; a short read leaves the rest to Block.
    /// </summary>
    private void Prefetch(long first, long last)
    {
        while (first < last && Array.IndexOf(_blockIndex, first) >= 0)
        {
            first++; // held already: only the blocks after it are read
        }

        for (long b = first; b <= last; b++)
        {
            if (Array.IndexOf(_blockIndex, b) >= 0) return; // a hole in the middle: Block reads the rest one by one
        }

        if (first == last)
        {
            return;
        }

        // one pread into a scratch run, copied into the blocks (RandomAccess's preadv overload takes an
        // IReadOnlyList<Memory<byte>>, whose framework generics would be JIT-compiled in every fresh process)
        int count = (int)(last - first + 1);
        var run = GC.AllocateUninitializedArray<byte>(count * BlockSize);
        int read = ReadFully(first * BlockSize, run);
        for (int i = 0; i < count; i++)
        {
            long blockStart = (first + i) * BlockSize;
            int length = Math.Clamp(read - i * BlockSize, 0, BlockSize);
            if (length < Math.Min(BlockSize, Length - blockStart))
            {
                return; // a short read: this block and the ones after it are read again when needed
            }

            var buffer = TakeSlot(out int slot);
            run.AsSpan(i * BlockSize, length).CopyTo(buffer);
            _blockLength[slot] = length;
            _blockIndex[slot] = first + i;
        }
    }

    /// <summary>The next slot in turn, emptied, with its buffer (made on first use).</summary>
    private byte[] TakeSlot(out int slot)
    {
        slot = _next;
        _next = (_next + 1) % Blocks;
        _blockIndex[slot] = -1;
        return _blocks[slot] ??= GC.AllocateUninitializedArray<byte>(BlockSize);
    }

    private int ReadFully(long offset, Span<byte> destination)
    {
        ObjectDisposedException.ThrowIf(_handle.IsClosed, this);
        destination = destination[..(int)Math.Min(destination.Length, Length - offset)];
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
