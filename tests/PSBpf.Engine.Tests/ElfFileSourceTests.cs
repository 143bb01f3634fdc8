using PSBpf.Engine.Elf;

namespace PSBpf.Engine.Tests;

/// <summary>
/// The pread-backed source under ElfFile: whatever mix of small, block-spanning and large reads comes, the bytes equal
/// the file's, and reads past the end come back short, as from the image in memory.
/// </summary>
public class ElfFileSourceTests
{
    [Fact]
    public void ReadsOfAnyRangeEqualTheFileBytes()
    {
        var path = Fixtures.Object("bootstrap");
        var whole = File.ReadAllBytes(path);
        var rng = new Random(20261204);
        using var source = new ElfFileSource(path);
        Assert.Equal(whole.Length, source.Length);
        for (int i = 0; i < 3000; i++)
        {
            // lengths from one byte to past the 16 KiB direct-read threshold; offsets near block edges and the end too
            int length = rng.Next(4) switch { 0 => rng.Next(1, 64), 1 => rng.Next(4000, 4200), 2 => rng.Next(8000, 20000), _ => rng.Next(1, 12000) };
            long offset = rng.Next(3) switch
            {
                0 => rng.NextInt64(whole.Length),
                1 => Math.Max(0, whole.Length - rng.Next(1, 9000)),
                _ => Math.Max(0, rng.Next(1, whole.Length / 4096) * 4096L - rng.Next(0, 100)),
            };
            var buffer = new byte[length];
            int n = source.Read(offset, buffer);
            Assert.Equal((int)Math.Min(length, whole.Length - offset), n);
            Assert.True(whole.AsSpan((int)offset, n).SequenceEqual(buffer.AsSpan(0, n)), $"{length} bytes at 0x{offset:x}");
        }

        Assert.Equal(0, source.Read(whole.Length, new byte[8]));
    }
}
