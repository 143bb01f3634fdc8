namespace PSBpf.Engine.Tests;

/// <summary>Locates the repository, the compiled BPF fixtures, the libbpf oracle and the shared corpus.</summary>
internal static class Fixtures
{
    public static string RepoRoot { get; } = FindRepoRoot();

    public static string BuildDir => Path.Combine(RepoRoot, "tests", "fixtures", "build");

    /// <summary>The shared conformance corpus beside the repository; the copy in tests/corpus where the checkout stands alone.</summary>
    public static string CorpusDir => Directory.Exists(SharedCorpusDir) ? SharedCorpusDir : VendoredCorpusDir;

    public static string SharedCorpusDir => Path.GetFullPath(Path.Combine(RepoRoot, "..", "shared", "corpus", "cilium-ebpf"));

    public static string VendoredCorpusDir => Path.Combine(RepoRoot, "tests", "corpus", "cilium-ebpf");

    public static string Oracle => Path.Combine(BuildDir, "oracle");

    /// <summary>The programs of the tracing fixture that need BPF trampolines (fentry, fexit, lsm).</summary>
    public static readonly string[] TracingTrampolinePrograms = ["fentry_unlinkat", "fexit_unlinkat", "lsm_file_open"];

    public static string Object(string name) => Path.Combine(BuildDir, name + ".bpf.o");

    /// <summary>bootstrap.bpf.o's shared header: its struct event is not in the object's BTF (only local pointers use it).</summary>
    public static string BootstrapHeader => Path.Combine(RepoRoot, "tests", "fixtures", "bootstrap.h");

    /// <summary>A decoder for bootstrap's ring buffer records, typed from its header.</summary>
    public static BpfEventDecoder BootstrapEvents(string name = "event") => BpfEventDecoder.FromHeader(Btf.BtfCHeader.Load(BootstrapHeader), name);

    /// <summary>Every fixture object the build produced.</summary>
    public static IEnumerable<string> AllObjects() =>
        Directory.EnumerateFiles(BuildDir, "*.bpf.o").OrderBy(p => p, StringComparer.Ordinal);

    public static IEnumerable<object[]> ObjectNames() =>
        AllObjects().Select(p => new object[] { Path.GetFileName(p)[..^".bpf.o".Length] });

    public static IEnumerable<object[]> CorpusFiles() =>
        Directory.EnumerateFiles(CorpusDir, "*.elf").OrderBy(p => p, StringComparer.Ordinal).Select(p => new object[] { Path.GetFileName(p) });

    private static string FindRepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Directory.Build.props")) && Directory.Exists(Path.Combine(dir.FullName, "tests", "fixtures")))
            {
                return dir.FullName;
            }

            dir = dir.Parent;
        }

        throw new InvalidOperationException("cannot find the repository root above " + AppContext.BaseDirectory);
    }
}
