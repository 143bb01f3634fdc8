using System.Globalization;
using System.Runtime.InteropServices;

namespace PSBpf.Engine.Tests;

/// <summary>
/// Relative uprobe targets resolved as libbpf's resolve_full_path does: shared libraries through $LD_LIBRARY_PATH,
/// /usr/lib64, /usr/lib and the multiarch directory; programs through $PATH, /usr/bin, /usr/sbin. Then a uprobe on
/// libc's getppid, found by name only, counts this process's own calls.
/// </summary>
[Collection(KernelCollection.Name)]
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed partial class UprobeLibraryTests
{
    [LibraryImport("libc", EntryPoint = "getppid")]
    private static partial int GetParentPid();

    [Fact]
    public void A_library_name_resolves_to_the_library_this_process_maps()
    {
        var resolved = UprobeTarget.ResolvePath("libc.so.6");
        // the libc mapped into this process (its path as the loader found it) is the same file
        var mapped = File.ReadLines("/proc/self/maps").Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(f => f.Length >= 6 && Path.GetFileName(f[5]) == "libc.so.6").Select(f => f[5]).First();
        Assert.Equal(Inode(mapped), Inode(resolved));
        Assert.StartsWith(UprobeTarget.MultiarchLibDir()!, resolved, StringComparison.Ordinal); // Debian keeps libc there, not in /usr/lib
    }

    [Fact]
    public void LD_LIBRARY_PATH_comes_first_and_programs_must_be_executable()
    {
        var dir = Directory.CreateTempSubdirectory("psbpf-uprobe-");
        var saved = Environment.GetEnvironmentVariable("LD_LIBRARY_PATH");
        var savedPath = Environment.GetEnvironmentVariable("PATH");
        try
        {
            var lib = Path.Combine(dir.FullName, "libpsbpf_probe.so");
            File.Copy(Path.Combine(Fixtures.BuildDir, "uprobe_target"), lib);
            var e = Assert.Throws<FileNotFoundException>(() => UprobeTarget.ResolvePath("libpsbpf_probe.so"));
            Assert.Contains("$LD_LIBRARY_PATH, /usr/lib64, /usr/lib", e.Message);
            Environment.SetEnvironmentVariable("LD_LIBRARY_PATH", "/nonexistent:" + dir.FullName);
            Assert.Equal(lib, UprobeTarget.ResolvePath("libpsbpf_probe.so"));

            // a program name: only an executable file in $PATH counts
            var tool = Path.Combine(dir.FullName, "psbpf-probe-tool");
            File.WriteAllText(tool, "not executable");
            Environment.SetEnvironmentVariable("PATH", dir.FullName);
            Assert.Throws<FileNotFoundException>(() => UprobeTarget.ResolvePath("psbpf-probe-tool"));
            File.SetUnixFileMode(tool, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            Assert.Equal(tool, UprobeTarget.ResolvePath("psbpf-probe-tool"));
            Assert.Equal("/usr/bin/env", UprobeTarget.ResolvePath("env")); // not in $PATH here, but in /usr/bin
        }
        finally
        {
            Environment.SetEnvironmentVariable("LD_LIBRARY_PATH", saved);
            Environment.SetEnvironmentVariable("PATH", savedPath);
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public void A_uprobe_on_a_library_function_by_name_counts_this_process_calls()
    {
        int before = KernelObjects.BpfHandles();
        using (var obj = BpfObject.Open(Fixtures.Object("uprobe")))
        {
            foreach (var p in obj.Programs) p.AutoLoad = p.Name == "trigger_entry";
            obj.Load();
            using (obj.Programs["trigger_entry"].Attach(new BpfAttachOptions { BinaryPath = "libc.so.6", Symbol = "getppid", ProcessId = Environment.ProcessId }))
            {
                for (int i = 0; i < 5; i++) GetParentPid();
                Assert.Equal(5UL, Convert.ToUInt64(obj.Globals["entry_calls"].Value, CultureInfo.InvariantCulture));
            }

            GetParentPid();
            Assert.Equal(5UL, Convert.ToUInt64(obj.Globals["entry_calls"].Value, CultureInfo.InvariantCulture));
        }

        Assert.Equal(before, KernelObjects.BpfHandles());
    }

    /// <summary>Device and inode of the file a path leads to.</summary>
    private static string Inode(string path)
    {
        var (exit, stdout, _) = Sh.Capture("stat", ["-L", "-c", "%d:%i", path]);
        Assert.Equal(0, exit);
        return stdout.Trim();
    }
}
