using System.ComponentModel;
using System.Reflection;
using PSBpf.Engine;
using PSBpf.Engine.Btf;
using PSBpf.Errors;

namespace PSBpf.Module.Tests;

/// <summary>Engine and system exceptions → ErrorId, category and message (the part of the cmdlets' error handling that needs no runspace).</summary>
public sealed class ErrorClassifierTests
{
    private static string CorpusFile(string name)
    {
        var path = Path.GetFullPath(Path.Combine(TestPaths.RepoRoot, "..", "shared", "corpus", "cilium-ebpf", name));
        if (!File.Exists(path)) path = Path.Combine(TestPaths.RepoRoot, "tests", "corpus", "cilium-ebpf", name); // standalone checkout
        Assert.True(File.Exists(path), $"corpus file {path} is missing");
        return path;
    }

    [Fact]
    public void Load_and_map_failures_get_their_own_ids()
    {
        var verifier = BpfErrorClassifier.Classify(new BpfVerifierException("prog", 13, "0: (b7) r0 = 0\nR1 invalid mem access 'map_value_or_null'\n"));
        Assert.Equal((BpfErrorIds.VerifierRejected, BpfErrorCategory.InvalidOperation), (verifier.ErrorId, verifier.Category));
        Assert.Contains("map_value_or_null", verifier.Message, StringComparison.Ordinal);
        var perm = BpfErrorClassifier.Classify(new BpfSyscallException(BpfCommand.ProgLoad, "BPF_PROG_LOAD for program 'x'", 1));
        Assert.Equal((BpfErrorIds.PermissionDenied, BpfErrorCategory.PermissionDenied), (perm.ErrorId, perm.Category));
        var map = BpfErrorClassifier.Classify(new BpfSyscallException(BpfCommand.MapUpdateElem, "BPF_MAP_UPDATE_ELEM on map 'm'", 17));
        Assert.Equal(BpfErrorIds.MapOperationFailed, map.ErrorId);
        var create = BpfErrorClassifier.Classify(new BpfSyscallException(BpfCommand.MapCreate, "BPF_MAP_CREATE for map 'm'", 22));
        Assert.Equal(BpfErrorIds.LoadFailed, create.ErrorId);
        var load = BpfErrorClassifier.Classify(new BpfLoadException("map 'm'", "pin not compatible"));
        Assert.Equal((BpfErrorIds.LoadFailed, BpfErrorCategory.InvalidOperation), (load.ErrorId, load.Category));
        var notLoaded = BpfErrorClassifier.Classify(new BpfNotLoadedException("map 'm'"));
        Assert.Equal(BpfErrorIds.NotLoaded, notLoaded.ErrorId);
    }

    [Fact]
    public void A_C_declaration_the_parser_refuses_is_BpfHeaderInvalid_with_its_location()
    {
        var e = Assert.Throws<BpfHeaderException>(() => BtfCHeader.ParseText("struct s { int a : 40; };", new BtfCHeaderOptions { KernelBtfPath = null }));
        var info = BpfErrorClassifier.Classify(e);
        Assert.Equal((BpfErrorIds.HeaderInvalid, BpfErrorCategory.InvalidData), (info.ErrorId, info.Category));
        Assert.Equal("Cannot read the C declarations: <TypeDefinition>:1:18: bitfield 'a' is 40 bits wide; its type int has 32", info.Message);
        Assert.Contains("docs/c-headers.md", info.RecommendedAction, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_file_is_BpfObjectNotFound()
    {
        var missing = Path.Combine(Path.GetTempPath(), "psbpf-does-not-exist.bpf.o");
        var e = Assert.Throws<FileNotFoundException>(() => BpfObject.Open(missing));
        var info = BpfErrorClassifier.Classify(e, missing);
        Assert.Equal((BpfErrorIds.ObjectNotFound, BpfErrorCategory.ObjectNotFound), (info.ErrorId, info.Category));
        Assert.Contains(missing, info.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_directory_on_the_path_is_BpfObjectNotFound_too()
    {
        var info = BpfErrorClassifier.Classify(new DirectoryNotFoundException("no dir"), "/nonexistent/x.o");
        Assert.Equal(BpfErrorIds.ObjectNotFound, info.ErrorId);
    }

    [Fact]
    public void A_corrupted_file_is_BpfObjectInvalid_naming_the_file_and_offset()
    {
        var file = Path.Combine(Path.GetTempPath(), $"psbpf-corrupt-{Environment.ProcessId}.bpf.o");
        var bytes = File.ReadAllBytes(TestPaths.Fixture("minimal.bpf.o"));
        File.WriteAllBytes(file, bytes.AsSpan(0, 100).ToArray()); // ELF header intact, section headers cut off
        try
        {
            var e = Assert.ThrowsAny<BpfFormatException>(() => BpfObject.Open(file));
            Assert.IsNotType<BpfByteOrderException>(e);
            var info = BpfErrorClassifier.Classify(e, file);
            Assert.Equal((BpfErrorIds.ObjectInvalid, BpfErrorCategory.InvalidData), (info.ErrorId, info.Category));
            Assert.Contains(file, info.Message, StringComparison.Ordinal);
            Assert.NotNull(info.RecommendedAction);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void Format_messages_name_file_section_and_offset()
    {
        var e = new BpfFormatException("/x/a.bpf.o", ".BTF", 0x18, "type id 7 out of range");
        Assert.Equal("BPF object file '/x/a.bpf.o' is invalid (section .BTF, offset 0x18): type id 7 out of range", BpfErrorClassifier.DescribeFormatError(e));
        // Opened with -Name: the engine knows only the object name; the path comes from the cmdlet.
        var named = new BpfFormatException("tracer", null, null, "not an ELF file");
        Assert.Equal("BPF object file '/x/a.bpf.o' (opened as object 'tracer') is invalid: not an ELF file", BpfErrorClassifier.DescribeFormatError(named, "/x/a.bpf.o"));
    }

    [Fact]
    public void A_big_endian_object_is_BpfObjectWrongByteOrder()
    {
        var file = CorpusFile("loader-clang-14-eb.elf");
        var e = Assert.Throws<BpfByteOrderException>(() => BpfObject.Open(file));
        var info = BpfErrorClassifier.Classify(e, file);
        Assert.Equal((BpfErrorIds.ObjectWrongByteOrder, BpfErrorCategory.InvalidData), (info.ErrorId, info.Category));
        Assert.Contains("big-endian", info.Message, StringComparison.Ordinal);
        Assert.Contains("bpfel", info.RecommendedAction, StringComparison.Ordinal);
    }

    [Fact]
    public void A_value_that_does_not_fit_is_BpfValueInvalid_naming_the_field()
    {
        using var obj = BpfObject.Open(TestPaths.Fixture("minimal.bpf.o"));
        var e = Assert.Throws<BpfValueException>(() => obj.Globals["my_pid"].Value = "not a number");
        var info = BpfErrorClassifier.Classify(e);
        Assert.Equal((BpfErrorIds.ValueInvalid, BpfErrorCategory.InvalidArgument), (info.ErrorId, info.Category));
        Assert.Contains("my_pid", info.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(13)]
    public void EPERM_and_EACCES_are_BpfPermissionDenied(int errno)
    {
        var info = BpfErrorClassifier.Classify(new Win32Exception(errno), "bpf(BPF_PROG_LOAD)");
        Assert.Equal((BpfErrorIds.PermissionDenied, BpfErrorCategory.PermissionDenied), (info.ErrorId, info.Category));
        Assert.Contains("CAP_BPF", info.RecommendedAction, StringComparison.Ordinal);
        var denied = BpfErrorClassifier.Classify(new UnauthorizedAccessException("Access denied"), "/root/x.o");
        Assert.Equal(BpfErrorIds.PermissionDenied, denied.ErrorId);
    }

    [Fact]
    public void Other_failures_keep_their_message_under_a_generic_id()
    {
        Assert.Equal(BpfErrorIds.ReadError, BpfErrorClassifier.Classify(new IOException("disk on fire"), "/x").ErrorId);
        Assert.Equal(BpfErrorIds.OperationStopped, BpfErrorClassifier.Classify(new OperationCanceledException()).ErrorId);
        var other = BpfErrorClassifier.Classify(new InvalidOperationException("odd"));
        Assert.Equal((BpfErrorIds.Unexpected, BpfErrorCategory.NotSpecified, "odd"), (other.ErrorId, other.Category, other.Message));
    }

    [Fact]
    public void Every_category_is_a_PowerShell_ErrorCategory()
    {
        var errorCategory = ModuleMetadata.Instance.Automation.GetType("System.Management.Automation.ErrorCategory", throwOnError: true)!;
        var names = errorCategory.GetFields(BindingFlags.Public | BindingFlags.Static).Select(f => f.Name).ToHashSet(StringComparer.Ordinal);
        Assert.All(Enum.GetNames<BpfErrorCategory>(), n => Assert.Contains(n, names));
    }

    [Fact]
    public void Error_ids_are_unique_and_prefixed()
    {
        var ids = typeof(BpfErrorIds).GetFields(BindingFlags.Public | BindingFlags.Static).Select(f => (string)f.GetRawConstantValue()!).ToList();
        Assert.Equal(ids.Count, ids.Distinct(StringComparer.Ordinal).Count());
        Assert.All(ids, id => Assert.Matches("^Bpf[A-Za-z]+$", id));
    }
}
