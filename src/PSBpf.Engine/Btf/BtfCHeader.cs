using PSBpf.Engine.Btf.CHeader;

namespace PSBpf.Engine.Btf;

/// <summary>
/// BTF types read from C headers or declaration text, for objects whose BTF lacks a type (ring buffer records that are
/// only the target of a local pointer, maps built without BTF). Parsed in managed code, no compiler: structs, unions,
/// enums, typedefs, bitfields, packed/aligned, #define constants, local #includes and simple #if; names the header uses
/// without defining come from built-in fixed-width names (__u32, u64, uint32_t) or the kernel BTF. Layouts are clang's
/// for -target bpf. The result is BTF like any other (<see cref="Btf"/>), so <see cref="BtfValueCodec"/> decodes with it.
/// </summary>
public sealed class BtfCHeader
{
    private readonly Dictionary<string, BtfType> _byName;

    private BtfCHeader(BtfSpec btf, IReadOnlyList<BtfType> types, Dictionary<string, BtfType> byName, IReadOnlyList<string> files)
    {
        Btf = btf;
        Types = types;
        _byName = byName;
        Files = files;
    }

    /// <summary>The types as BTF (split over the kernel's BTF when the header uses kernel types).</summary>
    public BtfSpec Btf { get; }

    /// <summary>The named structs, unions, enums and typedefs the headers declare, in declaration order.</summary>
    public IReadOnlyList<BtfType> Types { get; }

    /// <summary>The header files read, the ones given first, then what they included.</summary>
    public IReadOnlyList<string> Files { get; }

    /// <summary>Reads the header at <paramref name="path"/>.</summary>
    /// <exception cref="BpfHeaderException">The header has a construct the parser does not understand (the message says where).</exception>
    /// <exception cref="FileNotFoundException">No such file.</exception>
    public static BtfCHeader Load(string path, BtfCHeaderOptions? options = null) => Parse([path], null, options);

    /// <summary>Reads C declarations from <paramref name="text"/> (e.g. <c>struct event { int pid; char comm[16]; };</c>).</summary>
    /// <exception cref="BpfHeaderException">The text has a construct the parser does not understand.</exception>
    public static BtfCHeader ParseText(string text, BtfCHeaderOptions? options = null) => Parse([], text, options);

    /// <summary>
    /// Reads the headers in <paramref name="paths"/>, then <paramref name="text"/> (may be null), as one translation unit:
    /// later ones see the macros and types of earlier ones.
    /// </summary>
    /// <exception cref="BpfHeaderException">A construct the parser does not understand (the message says where).</exception>
    /// <exception cref="FileNotFoundException">A header in <paramref name="paths"/> does not exist.</exception>
    public static BtfCHeader Parse(IReadOnlyList<string> paths, string? text, BtfCHeaderOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(paths);
        options ??= new BtfCHeaderOptions();
        var pre = new CPreprocessor();
        foreach (var p in paths)
        {
            if (!File.Exists(p)) throw new FileNotFoundException($"header '{p}' not found", p);
            pre.AddFile(p);
        }

        if (text is not null) pre.AddText(text, options.DefinitionName, options.DefinitionDirectory ?? Directory.GetCurrentDirectory());
        var tokens = pre.Finish();

        BtfSpec? kernel = null;
        bool kernelTried = false;
        BtfSpec? Kernel()
        {
            if (kernelTried) return kernel;
            kernelTried = true;
            if (options.KernelBtfPath is { } path && File.Exists(path)) kernel = Loader.KernelBtf.Get(path);
            return kernel;
        }

        var parser = new CHeaderParser(tokens, Kernel);
        parser.Parse();
        var writer = new CBtfWriter();
        var declared = parser.Declared;
        var kernelBase = writer.Collect(declared.Select(d => d.Type));
        var blob = writer.Write();
        string source = paths.Count > 0 ? paths[0] : options.DefinitionName;
        var btf = BtfSpec.Parse(blob, source, kernelBase);
        var byName = new Dictionary<string, BtfType>(StringComparer.Ordinal);
        var types = new List<BtfType>();
        foreach (var (name, type) in declared)
        {
            var t = btf[writer.Id(type)];
            byName.TryAdd(name, t);
            // incomplete tags resolved from the kernel are found by name, but are not the header's own types
            if (type is CRecordType { IsComplete: false } or CEnumType { IsComplete: false }) continue;
            types.Add(t);
        }

        return new BtfCHeader(btf, types, byName, pre.Files);
    }

    /// <summary>
    /// The type named <paramref name="name"/>: <c>struct x</c>, <c>union x</c>, <c>enum x</c>, or a bare name (a struct
    /// tag, then a union tag, a typedef, an enum tag). Null when the headers declare no such type.
    /// </summary>
    public BtfType? Find(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        string n = string.Join(' ', name.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        if (n.StartsWith("struct ", StringComparison.Ordinal) || n.StartsWith("union ", StringComparison.Ordinal) || n.StartsWith("enum ", StringComparison.Ordinal))
        {
            return _byName.GetValueOrDefault(n);
        }

        foreach (var key in new[] { "struct " + n, "union " + n, n, "enum " + n })
        {
            if (_byName.TryGetValue(key, out var t)) return t;
        }

        return null;
    }

    /// <summary>The names <see cref="Find"/> accepts, as C spells them (<c>struct event</c>, <c>pid_t</c>).</summary>
    public IEnumerable<string> Names => _byName.Keys;
}
