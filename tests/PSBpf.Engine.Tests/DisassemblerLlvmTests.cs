using PSBpf.Engine.Asm;
using PSBpf.Engine.Elf;

namespace PSBpf.Engine.Tests;

/// <summary>
/// The disassembler's llvm syntax against llvm-objdump-14 run on the same files, line by line, after the
/// normalisation <see cref="DisassemblerObjdump"/> documents (branch labels split off, whitespace collapsed):
/// every program and subprogram of every fixture object, and every code section of the little-endian corpus objects.
/// </summary>
public class DisassemblerLlvmTests
{
    public static IEnumerable<object[]> LittleEndianCorpus() =>
        Fixtures.CorpusFiles().Where(f => !((string)f[0]).EndsWith("-eb.elf", StringComparison.Ordinal));

    [Theory]
    [MemberData(nameof(Fixtures.ObjectNames), MemberType = typeof(Fixtures))]
    public void FixtureProgramsMatchObjdump(string fixture) => ProgramsMatchObjdump(Fixtures.Object(fixture));

    [Theory]
    [MemberData(nameof(LittleEndianCorpus))]
    public void CorpusProgramsMatchObjdump(string file)
    {
        var path = Path.Combine(Fixtures.CorpusDir, file);
        BpfObject? obj = null;
        try
        {
            obj = BpfObject.Open(path);
        }
        catch (BpfFormatException)
        {
            // Some corpus files are broken on purpose (invalid maps, BTF); their code is still checked raw below.
        }

        using (obj)
        {
            if (obj is not null) ProgramsMatchObjdump(path, obj);
        }

        SectionsMatchObjdump(path);
    }

    /// <summary>Big-endian corpus objects: the text decodes the same (bytes are shown in little-endian layout, so not compared).</summary>
    [Fact]
    public void BigEndianCorpusTextMatchesObjdump()
    {
        var files = Fixtures.CorpusFiles().Select(f => (string)f[0]).Where(f => f.EndsWith("-eb.elf", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(files);
        foreach (var file in files) SectionsMatchObjdump(Path.Combine(Fixtures.CorpusDir, file));
    }

    /// <summary>Every executable section decoded straight from the ELF (no object model): text, and bytes for little-endian files.</summary>
    private static void SectionsMatchObjdump(string path)
    {
        var expected = DisassemblerObjdump.Run(path);
        using var elf = ElfFile.Open(path);
        int compared = 0;
        foreach (var section in elf.Sections.Where(s => (s.Flags & ElfSectionFlags.ExecInstr) != 0 && s.Size > 0))
        {
            Assert.True(expected.TryGetValue(section.Name, out var lines), $"{DisassemblerObjdump.Tool} has no section {section.Name}");
            var insns = BpfInstruction.DecodeAll(section.Data.Span, elf.IsBigEndian);
            var ours = BpfDisassembler.Disassemble(insns);
            Assert.Equal(lines!.Keys, ours.Select(l => l.Offset));
            foreach (var line in ours)
            {
                var want = lines[line.Offset];
                Assert.True(want.Text == line.Text, $"{Path.GetFileName(path)} {section.Name} slot {line.Offset}: '{line.Text}', objdump '{want.Text}'");
                if (!elf.IsBigEndian) Assert.Equal(want.Bytes, line.Bytes);
                compared++;
            }
        }

        // Nothing objdump printed is left out (files without code compare zero lines on both sides).
        Assert.Equal(expected.Values.Sum(s => s.Count), compared);
    }

    private static void ProgramsMatchObjdump(string path)
    {
        using var obj = BpfObject.Open(path);
        ProgramsMatchObjdump(path, obj);
    }

    /// <summary>Programs through the object model: text, bytes, relocations, and branch labels resolved like objdump's.</summary>
    private static void ProgramsMatchObjdump(string path, BpfObject obj)
    {
        var expected = DisassemblerObjdump.Run(path);
        int compared = 0, labels = 0;
        foreach (var program in obj.Programs.Concat(obj.Subprograms))
        {
            var lines = expected[obj.Elf.Sections[program.SectionIndex].Name];
            foreach (var line in BpfDisassembler.Disassemble(program))
            {
                int slot = program.SectionInstructionOffset + line.Offset;
                Assert.True(lines.TryGetValue(slot, out var want), $"{program.Name}: objdump has no instruction at slot {slot}");
                string where = $"{Path.GetFileName(path)} {program.Name}+{line.Offset}";
                Assert.True(want!.Text == line.Text, $"{where}: '{line.Text}', objdump '{want.Text}'");
                Assert.Equal(want.Bytes, line.Bytes);
                Assert.Equal(want.Relocations.FirstOrDefault(), line.Relocation);
                Assert.Equal(program.Name, line.Program);

                // objdump names a branch target by the symbol at that address ("LBB0_2"), or symbol+offset when none is.
                if (want.Label is { } label)
                {
                    Assert.True(line.JumpTarget is not null, $"{where}: objdump labels <{label}>, no jump target decoded");
                    if (!label.Contains('+', StringComparison.Ordinal))
                    {
                        Assert.True(label == line.Target, $"{where}: target '{line.Target}', objdump <{label}>");
                        labels++;
                    }
                }

                compared++;
            }
        }

        Assert.True(compared > 0 || obj.Programs.Count + obj.Subprograms.Count == 0, $"no instructions compared in {path}");
        bool anyLabel = expected.Values.SelectMany(s => s.Values).Any(l => l.Label is { } x && !x.Contains('+', StringComparison.Ordinal));
        Assert.True(labels > 0 || !anyLabel, $"no branch labels compared in {path}");
    }

    /// <summary>What relocated instructions of an object's program resolve to: maps, global variables, subprograms, helpers.</summary>
    [Fact]
    public void ObjectProgramTargetsAreResolved()
    {
        using var minimal = BpfObject.Open(Fixtures.Object("minimal"));
        var lines = BpfDisassembler.Disassemble(minimal.Programs["handle_tp"]);
        Assert.Equal(
            ["bpf_get_current_pid_tgid", "my_pid", "LBB0_2", "minimal.rodata+0", "bpf_trace_printk"],
            lines.Where(l => l.Target is not null).Select(l => l.Target));
        Assert.Equal(11, lines.Single(l => l.Text.StartsWith("if ", StringComparison.Ordinal)).JumpTarget);

        using var bootstrap = BpfObject.Open(Fixtures.Object("bootstrap"));
        var maps = BpfDisassembler.Disassemble(bootstrap.Programs["handle_exec"]).Where(l => l.Relocation is not null).ToList();
        Assert.Equal(["exec_start", "min_duration_ns", "rb"], maps.Select(l => l.Target));
        Assert.Contains(bootstrap.Maps, m => m.Name == "exec_start");

        // bpf-to-bpf calls name the subprogram called.
        using var calls = BpfObject.Open(Fixtures.Object("calls"));
        var callTargets = calls.Programs.Concat(calls.Subprograms).SelectMany(p => BpfDisassembler.Disassemble(p))
            .Where(l => l.Opcode == BpfInstruction.CallOpcode && l.Relocation is not null).Select(l => l.Target!).ToHashSet();
        Assert.NotEmpty(calls.Subprograms);
        Assert.Subset(calls.Subprograms.Select(p => p.Name).ToHashSet(), callTargets);
    }
}
