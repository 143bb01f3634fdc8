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

    [Fact]
    public void TheStreamsWindowNeverServesBytesThatWereReplaced()
    {
        // ELFSharp's field-by-field reads come from a window on the source's current block; reads straight from the
        // source (as ElfFile makes between ELFSharp's) reuse blocks under it, so the window must notice and ask again
        var path = Fixtures.Object("bootstrap");
        var whole = File.ReadAllBytes(path);
        var rng = new Random(20261206);
        using var source = new ElfFileSource(path);
        var stream = new ElfSourceStream(source);
        for (int i = 0; i < 20000; i++)
        {
            long at = rng.Next(3) == 0 ? rng.NextInt64(whole.Length) : Math.Max(0, whole.Length - rng.Next(1, 5000));
            stream.Position = at;
            for (int j = rng.Next(1, 6); j > 0; j--)
            {
                long before = stream.Position;
                if (rng.Next(4) == 0)
                {
                    int b = stream.ReadByte();
                    Assert.Equal(before < whole.Length ? whole[before] : -1, b);
                }
                else
                {
                    var field = new byte[rng.Next(1, 9)];
                    int n = stream.Read(field, 0, field.Length);
                    Assert.Equal((int)Math.Clamp(whole.Length - before, 0, field.Length), n);
                    Assert.True(whole.AsSpan((int)Math.Min(before, whole.Length), n).SequenceEqual(field.AsSpan(0, n)), $"{field.Length} bytes at 0x{before:x}");
                }
            }

            if (rng.Next(3) == 0)
            {
                source.Read(rng.NextInt64(whole.Length), new byte[rng.Next(1, 9000)]); // takes other blocks
            }
        }
    }

    [Fact]
    public void NoReadSucceedsAfterDispose()
    {
        // the blocks go back to a shared pool on Dispose: a read of a block held before must fail, not see the pool's bytes
        var source = new ElfFileSource(Fixtures.Object("bootstrap"));
        Assert.Equal(64, source.Read(0, new byte[64]));
        source.Dispose();
        Assert.Throws<ObjectDisposedException>(() => source.Read(0, new byte[64]));
        Assert.False(source.TryGetWindow(0, out _, out _, out _, out _));
        source.Dispose(); // twice is harmless
    }

    [Fact]
    public void OpenFailsWithTheExceptionsOfDotNetsFileApi()
    {
        var dir = Directory.CreateTempSubdirectory("psbpf-elfsource-");
        try
        {
            Assert.Throws<FileNotFoundException>(() => new ElfFileSource(Path.Combine(dir.FullName, "missing.o")));
            Assert.Throws<DirectoryNotFoundException>(() => new ElfFileSource(Path.Combine(dir.FullName, "no-such-dir", "x.o")));
            Assert.Throws<UnauthorizedAccessException>(() => new ElfFileSource(dir.FullName));
            var e = Assert.Throws<BpfFormatException>(() => ElfFile.Open("/proc/self/status")); // no size: read whole
            Assert.Contains("not an ELF file", e.Message);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
