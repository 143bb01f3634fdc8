using Xunit.Abstractions;
using PSBpf.Engine.Native;

namespace PSBpf.Engine.Tests;

/// <summary>
/// BpfVerification (Test-BpfObject): every program loaded on its own with verifier statistics, compared with libbpf's
/// view of the same load (the oracle's bpf_prog_info.verified_insns), and nothing left in the kernel afterwards.
/// </summary>
[Collection(KernelCollection.Name)]
public class VerificationTests(ITestOutputHelper output)
{
    /// <summary>The verifier's work does not depend on who loads the program: our count equals libbpf's for every program.</summary>
    [Theory]
    [InlineData("minimal")]
    [InlineData("bootstrap")]
    [InlineData("calls")]
    [InlineData("sections")]
    public void ProcessedInstructionsMatchLibbpf(string fixture)
    {
        var path = Fixtures.Object(fixture);
        using var oracle = Oracle.Run("load", path);
        Assert.False(oracle.RootElement.TryGetProperty("error", out var err), $"libbpf failed to load {fixture}: {err}");
        var expected = oracle.RootElement.GetProperty("programs").EnumerateArray()
            .ToDictionary(p => p.GetProperty("name").GetString()!, p => p.GetProperty("verified_insns").GetUInt32());

        var rows = BpfVerification.Verify(path);
        using var obj = BpfObject.Open(path);
        Assert.Equal(obj.Programs.Names, rows.Select(r => r.Program)); // every program, in the object's order
        foreach (var row in rows.Where(r => expected.ContainsKey(r.Program)))
        {
            Assert.True(row.Accepted, $"{fixture}/{row.Program}: {row.Error}");
            Assert.Equal(expected[row.Program], row.InstructionsProcessed);
            Assert.Equal("success", row.Verdict);
            Assert.Null(row.Error);
            Assert.Equal(obj.Programs[row.Program].SectionName, row.Section);
            Assert.Equal(obj.Programs[row.Program].Type, row.Type);
            Assert.True(row.Instructions >= obj.Programs[row.Program].InstructionCount, "linked program is at least its own instructions");
            Assert.NotNull(row.VerificationTime);
            Assert.NotEmpty(row.StackDepths);
            Assert.Equal(row.StackDepths.Sum(), row.StackDepth);
            Assert.NotNull(row.TotalStates);
            Assert.Contains($"processed {row.InstructionsProcessed} insns", row.VerifierLog, StringComparison.Ordinal);
        }
    }

    /// <summary>
    /// The fixture programs that verification refuses here, with the errno (null: PSBpf refuses before the kernel sees
    /// it) and what the error says. Every other program of every fixture must be accepted.
    /// </summary>
    private static readonly Dictionary<(string Fixture, string Program), (int? Errno, string Error)> Refused = RefusedHere();

    private static Dictionary<(string, string), (int?, string)> RefusedHere()
    {
        var refused = new Dictionary<(string, string), (int?, string)>
        {
            [("bad_verifier", "missing_null_check")] = (Errno.EACCES, "invalid mem access 'map_value_or_null'"), // on purpose
            [("verify_mixed", "refused_middle")] = (Errno.EACCES, "invalid mem access 'map_value_or_null'"),    // on purpose
            [("freplace", "drop_all")] = (null, "freplace programs need a target program"),                      // none set
            // current libbpf leaves struct_ops programs that no map member uses unloaded; alone, they have nothing to verify against
            [("struct_ops_link", "psbpf_spare_init")] = (null, "is not referenced by any struct_ops map member"),
            [("struct_ops_link", "psbpf_unused")] = (null, "is not referenced by any struct_ops map member"),
        };
        if (KernelConfig.Has("KALLSYMS_ALL") == false)
        {
            refused[("ksyms_percpu", "read_ksyms")] = (Errno.ENOENT, "failed to find the address for kernel symbol 'runqueues'");
        }

        if (!KernelFeatureProbe.Has(KernelFeature.Trampolines))
        {
            foreach (var p in Fixtures.TracingTrampolinePrograms)
            {
                refused[("tracing", p)] = (Errno.EPERM, "need BPF trampoline support");
            }
        }

        return refused;
    }

    /// <summary>
    /// Every fixture: a row per program, each accepted with its statistics or refused as <see cref="Refused"/> says, and
    /// afterwards this process holds no more BPF handles than before and nothing is pinned.
    /// </summary>
    [Theory]
    [MemberData(nameof(Fixtures.ObjectNames), MemberType = typeof(Fixtures))]
    public void EveryFixtureVerifiesAsExpected(string fixture)
    {
        int handles = KernelObjects.BpfHandles();
        using var obj = BpfObject.Open(Fixtures.Object(fixture));
        var root = $"/sys/fs/bpf/psbpf-surface-all-{Environment.ProcessId}";
        Directory.CreateDirectory(root);
        try
        {
            var rows = BpfVerification.Verify(obj, null, new BpfLoadOptions { PinRoot = root });
            Assert.Equal(obj.Programs.Names, rows.Select(r => r.Program));
            foreach (var r in rows)
            {
                output.WriteLine($"{fixture}/{r.Program}: {r.Verdict} {r.InstructionsProcessed} states {r.TotalStates}/{r.PeakStates} {r.VerificationTime?.TotalMicroseconds}us stack {r.StackDepth} {r.Error}");
                string where = $"{fixture}/{r.Program}";
                if (Refused.TryGetValue((fixture, r.Program), out var refusal))
                {
                    Assert.False(r.Accepted, $"{where} was accepted; expected a refusal: {refusal.Error}");
                    Assert.True(refusal.Errno == r.Errno, $"{where}: errno {r.Errno}, expected {refusal.Errno}: {r.Error}");
                    Assert.Contains(refusal.Error, r.Error, StringComparison.Ordinal);
                    continue;
                }

                Assert.True(r.Accepted, $"{where}: {r.Error}");
                Assert.Null(r.Error);
                Assert.Null(r.Errno);
                Assert.True(r.InstructionsProcessed > 0, $"{where}: {r.InstructionsProcessed} instructions processed");
                Assert.Contains($"processed {r.InstructionsProcessed} insns", r.VerifierLog, StringComparison.Ordinal);
            }
        }
        finally
        {
            Assert.Empty(Directory.EnumerateFileSystemEntries(root));
            Directory.Delete(root);
        }

        Assert.False(obj.IsLoaded);
        Assert.Equal(handles, KernelObjects.BpfHandles());
    }

    /// <summary>The refusal table names only fixture programs that exist.</summary>
    [Fact]
    public void RefusalsNameFixturePrograms()
    {
        foreach (var ((fixture, program), _) in Refused)
        {
            using var obj = BpfObject.Open(Fixtures.Object(fixture));
            Assert.Contains(program, obj.Programs.Names);
        }
    }

    [Fact]
    public void RefusedProgramDoesNotStopTheOthersAndNothingIsLeft()
    {
        using var oracle = Oracle.Run("load", Fixtures.Object("verify_mixed"), "--only", "good_first,good_last");
        var expected = oracle.RootElement.GetProperty("programs").EnumerateArray()
            .ToDictionary(p => p.GetProperty("name").GetString()!, p => p.GetProperty("verified_insns").GetUInt32());

        int handles = KernelObjects.BpfHandles();
        using var obj = BpfObject.Open(Fixtures.Object("verify_mixed"));
        var rows = BpfVerification.Verify(obj);

        Assert.Equal(["good_first", "refused_middle", "good_last"], rows.Select(r => r.Program));
        Assert.Equal([true, false, true], rows.Select(r => r.Accepted));
        Assert.Equal(expected["good_first"], rows[0].InstructionsProcessed);
        Assert.Equal(expected["good_last"], rows[2].InstructionsProcessed);
        Assert.Equal(2, rows[0].StackDepths.Count); // good_first and its subprogram bump()
        Assert.True(rows[0].StackDepths[0] >= 32, $"good_first has a 32-byte buffer on its stack: {string.Join('+', rows[0].StackDepths)}");

        var refused = rows[1];
        Assert.Equal("failure", refused.Verdict);
        Assert.Equal(Errno.EACCES, refused.Errno);
        Assert.Contains("invalid mem access 'map_value_or_null'", refused.Error, StringComparison.Ordinal);
        Assert.Contains("0: R1=ctx", refused.VerifierLog, StringComparison.Ordinal); // the instruction-level trace, not just statistics
        Assert.NotNull(refused.InstructionsProcessed);
        Assert.NotNull(refused.Instructions);

        // nothing stays: our handles are back, the programs' ids are gone, and the object is only opened again
        Assert.Equal(handles, KernelObjects.BpfHandles());
        foreach (var row in rows.Where(r => r.Accepted))
        {
            Assert.NotNull(row.KernelId);
            Assert.Null(Bpf.GetFdById(BpfCommand.ProgGetFdById, row.KernelId!.Value));
        }

        Assert.False(obj.IsLoaded);
        Assert.All(obj.Programs, p => Assert.Null(p.Id));
        Assert.All(obj.Maps, m => Assert.Null(m.Id));
        Assert.Equal([true, true, true], obj.Programs.Select(p => p.AutoLoad));
    }

    [Fact]
    public void ObjectCanBeLoadedAfterVerifyAndGlobalsApply()
    {
        using var obj = BpfObject.Open(Fixtures.Object("verify_mixed"));
        obj.Globals["verify_target"].Value = 12345;
        var rows = BpfVerification.Verify(obj, ["good_first"]);
        Assert.Single(rows);
        Assert.True(rows[0].Accepted, rows[0].Error);

        // with verify_target 0 the pid branch is dead code after .rodata is frozen: the verifier processes fewer insns
        using var plain = BpfObject.Open(Fixtures.Object("verify_mixed"));
        var plainRows = BpfVerification.Verify(plain, ["good_first"]);
        Assert.True(plainRows[0].InstructionsProcessed < rows[0].InstructionsProcessed,
            $"{plainRows[0].InstructionsProcessed} vs {rows[0].InstructionsProcessed}");

        obj.Programs["refused_middle"].AutoLoad = false;
        obj.Load();
        Assert.NotNull(obj.Programs["good_first"].Id);
    }

    [Fact]
    public void PinnedMapsAreNeitherPinnedNorReused()
    {
        var root = $"/sys/fs/bpf/psbpf-surface-verify-{Environment.ProcessId}";
        Directory.CreateDirectory(root);
        try
        {
            var rows = BpfVerification.Verify(Fixtures.Object("pinned"), null, new BpfLoadOptions { PinRoot = root });
            Assert.All(rows, r => Assert.True(r.Accepted, r.Error));
            Assert.Empty(Directory.EnumerateFileSystemEntries(root));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public void UnknownProgramNameIsNamed()
    {
        using var obj = BpfObject.Open(Fixtures.Object("calls"));
        var e = Assert.Throws<KeyNotFoundException>(() => BpfVerification.Verify(obj, ["nope"]));
        Assert.Contains("'nope'", e.Message, StringComparison.Ordinal);
        Assert.Contains("on_getpid", e.Message, StringComparison.Ordinal);
        Assert.Empty(BpfVerification.Verify(obj, []));
    }

    [Fact]
    public void LoadedObjectIsRefused()
    {
        using var obj = BpfObject.Open(Fixtures.Object("minimal"));
        obj.Load();
        var e = Assert.Throws<InvalidOperationException>(() => BpfVerification.Verify(obj));
        Assert.Contains("'minimal' is loaded", e.Message, StringComparison.Ordinal);
    }

    /// <summary>Statistics lines as this kernel writes them at log level 4, and the shapes older ones used.</summary>
    [Fact]
    public void StatsParser()
    {
        var s = VerifierStats.Parse("func#0 @0\n0: R1=ctx() R10=fp0\nverification time 1234 usec\nstack depth 40+16\n" +
            "processed 51 insns (limit 1000000) max_states_per_insn 0 total_states 4 peak_states 4 mark_read 2\n");
        Assert.Equal(51u, s.Processed);
        Assert.Equal(4u, s.TotalStates);
        Assert.Equal(4u, s.PeakStates);
        Assert.Equal(TimeSpan.FromMicroseconds(1234), s.Time);
        Assert.Equal([40, 16], s.StackDepths);

        var none = VerifierStats.Parse("R1 invalid mem access 'scalar'\n");
        Assert.Null(none.Processed);
        Assert.Null(none.Time);
        Assert.Empty(none.StackDepths);
        Assert.Equal(7u, VerifierStats.Parse("processed 7 insns (limit 1000000) max_states_per_insn 0 total_states 0").Processed);
        Assert.Null(VerifierStats.Parse("processed 7 insns (limit 1000000)").PeakStates);
    }
}
