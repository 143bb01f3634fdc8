using System.Runtime.InteropServices;

namespace PSBpf.Engine.Tests;

/// <summary>
/// The engine compiled ahead of time (NativeAOT, for .NET programs that embed it and want no JIT at start-up) does what
/// the JIT-compiled engine does: tests/PSBpf.AotSmoke runs the main paths (open, CO-RE load, attach, ring buffer, map
/// reads through BTF, a test run, kernel inspection, fds closed) and prints what it sees; both builds print the same.
/// The engine is marked IsAotCompatible, so the build already fails on reflection or dynamic code the analyzers catch;
/// this runs what they cannot see.
/// </summary>
[Collection(KernelCollection.Name)]
public class NativeAotTests
{
    private static string Project => Path.Combine(Fixtures.RepoRoot, "tests", "PSBpf.AotSmoke", "PSBpf.AotSmoke.csproj");

    [Fact]
    public void NativeAotCompiledEnginePrintsWhatTheJitCompiledEnginePrints()
    {
        var work = Directory.CreateTempSubdirectory("psbpf-aot-");
        try
        {
            string rid = RuntimeInformation.ProcessArchitecture == Architecture.Arm64 ? "linux-arm64" : "linux-x64";
            string jit = Path.Combine(work.FullName, "jit"), aot = Path.Combine(work.FullName, "aot");
            Build("build", "-o", jit, "--artifacts-path", Path.Combine(work.FullName, "jit-artifacts"));
            Build("publish", "-r", rid, "-p:PublishAot=true", "-o", aot, "--artifacts-path", Path.Combine(work.FullName, "aot-artifacts"));

            string jitOut = Sh.Run("dotnet", Path.Combine(jit, "PSBpf.AotSmoke.dll"), Fixtures.BuildDir);
            string aotOut = Sh.Run(Path.Combine(aot, "PSBpf.AotSmoke"), Fixtures.BuildDir);

            Assert.Contains("ring buffer: exec event for the child True, exit event True", jitOut);
            Assert.Contains("exec_start still holds the child: False", jitOut);
            Assert.Contains("ip_proto_count[17] = 3", jitOut);
            Assert.Contains("engine fds left open: 0", jitOut);
            Assert.DoesNotContain("same tag False", jitOut);
            Assert.Equal(jitOut, aotOut);
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    private static void Build(string verb, params string[] args)
    {
        var (exit, stdout, stderr) = Sh.Capture("dotnet", [verb, Project, "-c", "Release", "-nologo", "-v", "quiet", .. args]);
        Assert.True(exit == 0, $"dotnet {verb} of tests/PSBpf.AotSmoke failed:\n{stdout}\n{stderr}");
    }
}
