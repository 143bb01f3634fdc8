using PSBpf.Engine.Elf;
using PSBpf.Engine.Native;

namespace PSBpf.Engine.Tests;

/// <summary>
/// Paths go to the kernel as C strings, which end at the first NUL: "pinned\0x" would name "pinned". Every entry point
/// that hands a path to libc or bpf(2) refuses a NUL in it, with .NET's own message, before any system call; an
/// interface name with a NUL names no interface.
/// </summary>
public class NativePathTests
{
    [Fact]
    public void APathWithANulIsRefusedAndNotCutShort()
    {
        var dir = Directory.CreateTempSubdirectory("psbpf-nul-");
        try
        {
            string real = Path.Combine(dir.FullName, "real.o");
            File.Copy(Fixtures.Object("minimal"), real);
            string cut = real + "\0.txt"; // libc would open real.o
            Assert.Contains("Null character", Assert.Throws<ArgumentException>(() => new ElfFileSource(cut)).Message);
            Assert.Throws<ArgumentException>(() => ElfFile.Open(cut));
            Assert.Throws<ArgumentException>(() => LibC.OpenDirectory(dir.FullName + "\0/x", "a cgroup"));
            Assert.Throws<ArgumentException>(() => LibC.PathFileSystemType(dir.FullName + "\0/x"));
            Assert.Throws<ArgumentException>(() => Bpf.ObjGet("/sys/fs/bpf\0/x"));
            Assert.Throws<ArgumentException>(() => NativeText.CPath("a\0b"));
            Assert.Equal("a.o\0"u8.ToArray(), NativeText.CPath("a.o"));
            Assert.NotEqual(0u, LibC.InterfaceIndex("lo"));
            Assert.Equal(0u, LibC.InterfaceIndex("lo\0x")); // no such interface, not loopback
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
