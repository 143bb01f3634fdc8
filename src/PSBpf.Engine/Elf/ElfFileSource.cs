using System.Buffers;
using PSBpf.Engine.Native;

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
    private readonly BpfFd _fd;
    private readonly string _path;
    // The blocks live in one rented buffer, returned on Dispose: an open's blocks were a fifth of what it allocated, and
    // the GC zeroes all it hands out. One buffer also lets a run of blocks be read by one pread, straight into place.
    private byte[]? _buffer = ArrayPool<byte>.Shared.Rent(Blocks * BlockSize);
    private readonly long[] _blockIndex = [-1, -1, -1, -1, -1, -1, -1, -1];
    private readonly int[] _blockLength = new int[Blocks];
    private int _next;
    private int _last;

    public ElfFileSource(string path)
    {
        _path = path;
        try
        {
            _fd = LibC.OpenToRead(path, out long length);
            Length = length;
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public override long Length { get; }

    public override int Read(long offset, Span<byte> destination)
    {
        ObjectDisposedException.ThrowIf(_buffer is null, this);
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

    public override bool TryGetWindow(long offset, out byte[] array, out int start, out int length, out long windowOffset)
    {
        long index = offset / BlockSize;
        int slot = _buffer is null || offset < 0 ? -1 : Array.IndexOf(_blockIndex, index);
        if (slot < 0)
        {
            return base.TryGetWindow(offset, out array, out start, out length, out windowOffset);
        }

        (array, start, length, windowOffset) = (_buffer!, slot * BlockSize, _blockLength[slot], index * BlockSize);
        return true;
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

    public override void Dispose()
    {
        _fd?.Dispose();
        if (_buffer is { } buffer)
        {
            _buffer = null; // before the buffer goes back: nothing reads it after that
            Generation++;
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private ReadOnlySpan<byte> Block(long index)
    {
        // ELFSharp reads field by field, mostly from the block it read last
        int slot = _blockIndex[_last] == index ? _last : Array.IndexOf(_blockIndex, index);
        if (slot < 0)
        {
            slot = TakeSlots(1);
            _blockLength[slot] = ReadFully(index * BlockSize, SlotSpan(slot, 1));
            _blockIndex[slot] = index;
        }

        _last = slot;
        return SlotSpan(slot, 1)[.._blockLength[slot]];
    }

    /// <summary>
    /// Reads the blocks of a range that spans several (the section header table straddles two in most objects) with one
    /// pread into adjacent slots instead of one per block. Blocks already held are kept; a short read leaves the rest to Block.
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

        int count = (int)(last - first + 1); // at most 5: reads of 4 blocks or more do not come here
        int slot = TakeSlots(count);
        int read = ReadFully(first * BlockSize, SlotSpan(slot, count));
        for (int i = 0; i < count; i++)
        {
            long blockStart = (first + i) * BlockSize;
            int length = Math.Clamp(read - i * BlockSize, 0, BlockSize);
            if (length < Math.Min(BlockSize, Length - blockStart))
            {
                return; // a short read: this block and the ones after it are read again when needed
            }

            _blockLength[slot + i] = length;
            _blockIndex[slot + i] = first + i;
        }
    }

    /// <summary>The next <paramref name="count"/> adjacent slots in turn, emptied; returns the first.</summary>
    private int TakeSlots(int count)
    {
        if (_next + count > Blocks)
        {
            _next = 0;
        }

        int slot = _next;
        _next = (_next + count) % Blocks;
        Generation++;
        for (int i = 0; i < count; i++)
        {
            _blockIndex[slot + i] = -1;
        }

        return slot;
    }

    private Span<byte> SlotSpan(int slot, int count) => _buffer.AsSpan(slot * BlockSize, count * BlockSize);

    private int ReadFully(long offset, Span<byte> destination)
    {
        destination = destination[..(int)Math.Min(destination.Length, Length - offset)];
        int total = 0;
        while (total < destination.Length)
        {
            int n = LibC.ReadAt(_fd, destination[total..], offset + total, _path);
            if (n == 0)
            {
                break;
            }

            total += n;
        }

        return total;
    }
}
