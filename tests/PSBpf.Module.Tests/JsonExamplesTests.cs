using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using PSBpf.Engine;
using PSBpf.Output;

namespace PSBpf.Module.Tests;

/// <summary>
/// docs/json-examples.md shows the JSON that ConvertTo-Json makes of the module's output objects. The examples are
/// produced here from real objects (the engine loads the bootstrap and minimal fixtures into the kernel, dumps a map,
/// reads kernel program info, a ring buffer record and a trace_pipe line, and verifies an object), serialised by
/// <see cref="PSJson"/>'s mirror of ConvertTo-Json. The test fails when the committed page differs; set
/// PSBPF_UPDATE_DOCS=1 to rewrite the blocks between the markers. Values that vary per run or kernel (ids, tags, times,
/// pids, sizes the kernel decides) are stable placeholders; every property name and the nesting are compared exactly.
/// </summary>
public sealed partial class JsonExamplesTests
{
    private static string Page => Path.Combine(TestPaths.Docs, "json-examples.md");

    [Fact]
    public void Docs_show_the_json_the_objects_produce()
    {
        var blocks = new Dictionary<string, string>(StringComparer.Ordinal);
        using (var obj = BpfObject.Open(TestPaths.Fixture("bootstrap.bpf.o")))
        {
            obj.Load();
            MapEntry(obj, blocks);
            ProgramInfo(obj, blocks);
            RingBufferRecord(obj, blocks);
        }

        Verification(blocks);
        TraceRecord(blocks);

        foreach (var (name, json) in blocks)
        {
            using var _ = JsonDocument.Parse(json); // the mirror writes valid JSON
            Assert.DoesNotContain("System.", json.Replace("\"System.", "", StringComparison.Ordinal), StringComparison.Ordinal);
        }

        var text = File.ReadAllText(Page);
        var updated = text;
        foreach (var (name, json) in blocks)
        {
            var block = $"<!-- json:{name} -->\n```json\n{json}\n```\n<!-- /json:{name} -->";
            var pattern = new Regex($@"<!-- json:{Regex.Escape(name)} -->.*?<!-- /json:{Regex.Escape(name)} -->", RegexOptions.Singleline);
            Assert.True(pattern.IsMatch(updated), $"{Page} has no <!-- json:{name} --> … <!-- /json:{name} --> block");
            updated = pattern.Replace(updated, block.Replace("$", "$$", StringComparison.Ordinal));
        }

        if (updated != text && Environment.GetEnvironmentVariable("PSBPF_UPDATE_DOCS") == "1")
        {
            File.WriteAllText(Page, updated);
            return;
        }

        Assert.True(updated == text, $"{Page} differs from what the objects produce; run the test with PSBPF_UPDATE_DOCS=1 to rewrite it, then review the diff.\n{FirstDifference(text, updated)}");
    }

    /// <summary>Get-BpfMapEntry -Map $o.Maps.exec_start | ConvertTo-Json</summary>
    private static void MapEntry(BpfObject obj, Dictionary<string, string> blocks)
    {
        var map = obj.Maps["exec_start"];
        map.Update(BitConverter.GetBytes(4242), BitConverter.GetBytes(1234567890UL));
        var entry = Assert.Single(map.Entries());
        var item = new BpfMapItem(map, BpfMapValues.DecodeKey(map, entry.Key), BpfMapValues.DecodeValue(map, entry.Value), null);
        blocks["map-entry"] = PSJson.Serialize(item, mask: Mask("Map.Id"));
    }

    /// <summary>Get-BpfProgram -Id $o.Programs.handle_exec.Id | ConvertTo-Json</summary>
    private static void ProgramInfo(BpfObject obj, Dictionary<string, string> blocks)
    {
        var info = BpfInspection.GetProgram(obj.Programs["handle_exec"].Id!.Value);
        Assert.NotNull(info);
        blocks["program-info"] = PSJson.Serialize(info, mask: Mask("Id", "Tag", "LoadedAt", "XlatedSize", "JitedSize", "MemLock", "MapIds[]", "BtfId",
            "RunTimeNs", "RunCount", "VerifiedInstructions", "Pids[].Pid", "Pids[].Command", "Pids[].Fd", "Pids[].Fds[]", "Uid"));
    }

    /// <summary>Receive-BpfRingBuffer -Map $o.Maps.rb -Type event | ConvertTo-Json (the exec event of /bin/true)</summary>
    private static void RingBufferRecord(BpfObject obj, Dictionary<string, string> blocks)
    {
        using var exec = obj.Programs["handle_exec"].Attach();
        using var reader = BpfEventReader.Open(obj.Maps["rb"]);
        var decoder = BpfEventDecoder.ForMap(obj.Maps["rb"], "event");
        using var child = Process.Start(new ProcessStartInfo("/bin/true") { UseShellExecute = false })!;
        child.WaitForExit();
        object? record = null;
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (record is null && DateTime.UtcNow < deadline)
        {
            reader.Read(TimeSpan.FromMilliseconds(200), CancellationToken.None, r =>
            {
                var e = (System.Collections.Specialized.OrderedDictionary)decoder.Decode(r)!;
                if ((int)e["pid"]! == child.Id) record ??= e;
            });
        }

        Assert.NotNull(record);
        blocks["ring-buffer-record"] = PSJson.Serialize(record, mask: Mask("pid", "ppid", "duration_ns"));
    }

    /// <summary>Test-BpfObject ./bootstrap.bpf.o | ConvertTo-Json</summary>
    private static void Verification(Dictionary<string, string> blocks)
    {
        var rows = BpfVerification.Verify(TestPaths.Fixture("bootstrap.bpf.o"));
        Assert.All(rows, r => Assert.True(r.Accepted, r.Error));
        blocks["verification"] = PSJson.Serialize(rows, mask: Mask("[].Path", "[].InstructionsProcessed", "[].TotalStates", "[].PeakStates", "[].StackDepth",
            "[].StackDepths[]", "[].VerifierLog", "[].VerificationTime."));
    }

    /// <summary>Receive-BpfTraceLog -ProcessId $PID -Count 1 | ConvertTo-Json (bpf_printk of the minimal fixture)</summary>
    private static void TraceRecord(Dictionary<string, string> blocks)
    {
        using var obj = BpfObject.Open(TestPaths.Fixture("minimal.bpf.o"));
        obj.Globals["my_pid"].Value = Environment.ProcessId;
        obj.Load();
        using var link = obj.Programs["handle_tp"].Attach();
        using var reader = new BpfTraceLogReader();
        string expected = $"write() from PID {Environment.ProcessId}.";
        BpfTraceRecord? mine = null;
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (mine is null && DateTime.UtcNow < deadline)
        {
            Console.Out.Flush();
            using (var devnull = File.OpenWrite("/dev/null")) devnull.Write([1]); // a write(2) from this process
            reader.Read(TimeSpan.FromMilliseconds(200), CancellationToken.None, r =>
            {
                if (r.Message == expected) mine ??= r;
            });
        }

        Assert.True(mine is not null, $"no \"{expected}\" in trace_pipe within 10 s");
        var pid = Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        blocks["trace-record"] = PSJson.Serialize(mine, mask: (path, v) => path switch
        {
            "Message" => ((string)v!).Replace(pid, "<pid>", StringComparison.Ordinal),
            "Time" or "Timestamp" or "Pid" or "Comm" or "Cpu" or "Flags" => $"<{path.ToLowerInvariant()}>",
            _ => v,
        });
    }

    /// <summary>Replaces the leaves at these paths (a path ending in '.' covers everything below it) with "&lt;name&gt;".</summary>
    private static Func<string, object?, object?> Mask(params string[] paths) => (path, value) =>
    {
        foreach (var p in paths)
        {
            if (path == p || (p.EndsWith('.') && path.StartsWith(p, StringComparison.Ordinal)))
            {
                return value is null ? null : $"<{p.TrimStart('[', ']', '.').TrimEnd('.', '[', ']').Split('.', '[')[^1].ToLowerInvariant()}>";
            }
        }

        return value;
    };

    private static string FirstDifference(string a, string b)
    {
        var la = a.Split('\n');
        var lb = b.Split('\n');
        for (int i = 0; i < Math.Max(la.Length, lb.Length); i++)
        {
            var x = i < la.Length ? la[i] : "<end>";
            var y = i < lb.Length ? lb[i] : "<end>";
            if (x != y) return $"line {i + 1}: committed '{x}', produced '{y}'";
        }

        return string.Empty;
    }
}
