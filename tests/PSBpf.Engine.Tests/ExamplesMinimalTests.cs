using System.Diagnostics;
using System.Text.Json;

namespace PSBpf.Engine.Tests;

/// <summary>
/// examples/Minimal (libbpf-bootstrap's minimal in C#) builds, runs for a few seconds and does in the kernel what the C
/// original does: a tracepoint program that runs, with my_pid in its .bss set to the example's own pid before load.
/// </summary>
[Collection(KernelCollection.Name)]
public class ExamplesMinimalTests
{
    private static string Project => Path.Combine(Fixtures.RepoRoot, "examples", "Minimal", "Minimal.csproj");

    [Fact]
    public async Task MinimalExampleRunsItsTracepointProgramForItsOwnPid()
    {
        var (buildExit, buildOut, _) = Sh.Capture("dotnet", "build", Project, "-c", "Release", "-nologo", "-v", "quiet");
        Assert.True(buildExit == 0, $"dotnet build examples/Minimal failed:\n{buildOut}");
        string dll = Path.Combine(Fixtures.RepoRoot, "examples", "Minimal", "bin", "Release", "net10.0", "Minimal.dll");

        using var stats = ExamplesBpfStats.Enable();
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Fixtures.RepoRoot };
        // 8 s: the checks below (a 1.5 s wait and three bpftool calls) must end while the example still holds its
        // program and maps; with 3 s, a busy machine once let it exit between bpftool's prog and map queries
        foreach (var a in new[] { dll, Fixtures.Object("minimal"), "-d", "8" }) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stderr = p.StandardError.ReadToEndAsync();
        uint progId;
        try
        {
            string? firstLine = await p.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30));
            Assert.NotNull(firstLine);
            Assert.StartsWith("Successfully started! Please run `sudo cat ", firstLine);
            Assert.EndsWith("/trace_pipe` to see output of the BPF programs.", firstLine);

            // The example's own fds name its program and maps (fdinfo: prog_id / map_id), whatever else is loaded meanwhile.
            var progIds = FdinfoIds(p.Id, "prog_id");
            var mapIds = FdinfoIds(p.Id, "map_id");
            progId = Assert.Single(progIds);
            await Task.Delay(1500); // a dot a second: at least one write(2) of the example after attach

            using (var prog = Bpftool.Json("prog", "show", "id", progId.ToString()))
            {
                var r = prog.RootElement;
                Assert.Equal("handle_tp", r.GetProperty("name").GetString());
                Assert.Equal("tracepoint", r.GetProperty("type").GetString());
                Assert.True(r.TryGetProperty("run_cnt", out var runs) && runs.GetUInt64() > 0, $"the program never ran: {r}");
                Assert.Equal(mapIds.Order(), r.GetProperty("map_ids").EnumerateArray().Select(m => m.GetUInt32()).Order());
            }

            uint bss = mapIds.Single(id =>
            {
                using var m = Bpftool.Json("map", "show", "id", id.ToString());
                return m.RootElement.GetProperty("name").GetString()!.EndsWith(".bss", StringComparison.Ordinal);
            });
            using (var dump = Bpftool.Json("map", "dump", "id", bss.ToString()))
            {
                // [{"value": {".bss": [{"my_pid": N}]}}]: bpftool's BTF-formatted view of the datasec
                var vars = dump.RootElement[0].GetProperty("formatted").GetProperty("value").GetProperty(".bss");
                Assert.Equal(p.Id, vars[0].GetProperty("my_pid").GetInt32());
            }
        }
        finally
        {
            using var exit = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            try
            {
                await p.WaitForExitAsync(exit.Token);
            }
            catch (OperationCanceledException)
            {
                p.Kill(entireProcessTree: true);
                throw;
            }
        }

        Assert.Equal(0, p.ExitCode);
        Assert.Matches(@"^\.{2,}\s*$", await stderr); // the dots that triggered the program, nothing else
        var (gone, _, _) = Sh.Capture(Bpftool.Path, "prog", "show", "id", progId.ToString());
        Assert.NotEqual(0, gone); // the example tore its program down when it exited
    }

    private static List<uint> FdinfoIds(int pid, string key)
    {
        var ids = new HashSet<uint>();
        foreach (var info in Directory.GetFiles($"/proc/{pid}/fdinfo"))
        {
            try
            {
                foreach (var line in File.ReadLines(info))
                {
                    if (line.StartsWith(key + ":", StringComparison.Ordinal)) ids.Add(uint.Parse(line[(key.Length + 1)..].Trim()));
                }
            }
            catch (IOException)
            {
                // closed meanwhile
            }
        }

        return ids.ToList();
    }
}
