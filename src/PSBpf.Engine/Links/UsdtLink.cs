using System.Collections.Specialized;
using PSBpf.Engine.Native;

namespace PSBpf.Engine;

/// <summary>
/// A usdt program on a USDT probe (<c>&lt;sys/sdt.h&gt;</c> DTRACE_PROBE) of a binary or shared library, as libbpf's
/// bpf_program__attach_usdt: one uprobe per call site (with the probe's semaphore as its reference counter), each
/// argument spec written to the object's <c>__bpf_usdt_specs</c> map, and the spec id as the BPF cookie of the
/// uprobe's perf link, so <c>bpf_usdt_arg()</c>, <c>bpf_usdt_arg_cnt()</c> and <c>bpf_usdt_cookie()</c> of
/// <c>&lt;bpf/usdt.bpf.h&gt;</c> work unchanged.
/// </summary>
public sealed class UsdtLink : BpfLink
{
    private readonly BpfFd[] _events;
    private readonly BpfFd[] _links; // _links[0] is the base Fd
    private readonly BpfMap _specs;
    private readonly int[] _specIds;
    private bool _released;

    private UsdtLink(BpfProgram program, BpfFd[] events, BpfFd[] links, BpfMap specs, int[] specIds, string path, string provider, string name, int? pid, ulong cookie, IReadOnlyList<ulong> sites)
        : base(program, links[0], $"usdt {path}:{provider}:{name}{(pid is { } p ? $" pid {p}" : string.Empty)}")
    {
        _events = events;
        _links = links;
        _specs = specs;
        _specIds = specIds;
        BinaryPath = path;
        Provider = provider;
        ProbeName = name;
        ProcessId = pid;
        Cookie = cookie;
        SiteOffsets = sites;
    }

    /// <inheritdoc />
    public override string Kind => "usdt";
    /// <summary>The binary or library holding the probe, as resolved.</summary>
    public string BinaryPath { get; }
    /// <summary>The probe's provider.</summary>
    public string Provider { get; }
    /// <summary>The probe's name.</summary>
    public string ProbeName { get; }
    /// <summary>The only process probed, or null for every process.</summary>
    public int? ProcessId { get; }
    /// <summary>What <c>bpf_usdt_cookie()</c> returns in the program.</summary>
    public ulong Cookie { get; }
    /// <summary>The file offsets of the probe's call sites, one uprobe each.</summary>
    public IReadOnlyList<ulong> SiteOffsets { get; }
    /// <summary>The kernel ids of the uprobes' links, one per call site.</summary>
    public IReadOnlyList<uint> LinkIds => IsAttached ? _links.Select(Bpf.LinkId).ToArray() : [];

    private protected override string? NotPinnableReason => _links.Length > 1 ? $"it is {_links.Length} links, one per call site of the probe" : null;

    /// <summary>
    /// Attaches a usdt program to probe <paramref name="provider"/>:<paramref name="name"/> of <paramref name="binary"/>
    /// (a path, or a name found as libbpf finds uprobe targets: $PATH for programs, the library path for "*.so*").
    /// </summary>
    /// <param name="program">A loaded usdt program of an object built with <c>&lt;bpf/usdt.bpf.h&gt;</c>.</param>
    /// <param name="binary">The executable or shared library with the probe.</param>
    /// <param name="provider">The probe's provider.</param>
    /// <param name="name">The probe's name.</param>
    /// <param name="pid">The only process to probe; null for every process.</param>
    /// <param name="cookie">What <c>bpf_usdt_cookie()</c> returns.</param>
    /// <exception cref="ArgumentException">The program is not a Usdt program (see <see cref="BpfAttachKinds.Usdt"/>).</exception>
    /// <exception cref="BpfNotLoadedException">The program is not loaded.</exception>
    /// <exception cref="KeyNotFoundException">The binary has no such probe, or the object has no __bpf_usdt_specs map.</exception>
    /// <exception cref="NotSupportedException">An argument spec this build cannot read (the message names it).</exception>
    public static UsdtLink Attach(BpfProgram program, string binary, string provider, string name, int? pid, ulong cookie)
    {
        BpfAttachKinds.Usdt.Require(program);
        ArgumentException.ThrowIfNullOrEmpty(binary);
        ArgumentException.ThrowIfNullOrEmpty(provider);
        ArgumentException.ThrowIfNullOrEmpty(name);
        program.LoadedFd();
        string path = UprobeTarget.ResolvePath(binary);
        string what = $"program '{program.Name}' on usdt {path}:{provider}:{name}";
        var specs = program.Object.Maps.FirstOrDefault(m => m.Name == "__bpf_usdt_specs" && m.Id is not null)
            ?? throw new KeyNotFoundException($"{what}: the object has no __bpf_usdt_specs map (is the program built with <bpf/usdt.bpf.h>?)");
        var sites = UsdtProbe.Find(path, provider, name);
        var parsed = sites.Select(s => UsdtArgument.ParseAll(s.Arguments, $"usdt {path}:{provider}:{name}")).ToList();

        var specIds = new List<int>();
        var events = new List<BpfFd>();
        var links = new List<BpfFd>();
        try
        {
            // call sites with the same argument specs share one spec slot, as in libbpf
            var idBySpec = new Dictionary<string, int>(StringComparer.Ordinal);
            for (int i = 0; i < sites.Count; i++)
            {
                if (!idBySpec.TryGetValue(sites[i].Arguments, out int id))
                {
                    id = UsdtSpecSlots.Take(specs, what);
                    specIds.Add(id);
                    idBySpec[sites[i].Arguments] = id;
                    specs.UpdateValue(id, Spec(parsed[i], cookie));
                }

                var ev = PerfProbe.Open("uprobe", path, sites[i].FileOffset, retprobe: false, pid ?? -1, what, sites[i].SemaphoreOffset);
                events.Add(ev);
                links.Add(PerfEventLink.LinkTo(program, ev, what, (ulong)id));
            }
        }
        catch
        {
            foreach (var l in links) l.Dispose();
            foreach (var e in events) e.Dispose();
            UsdtSpecSlots.Release(specs, specIds);
            throw;
        }

        return new UsdtLink(program, [.. events], [.. links], specs, [.. specIds], path, provider, name, pid, cookie, sites.Select(s => s.FileOffset).ToList());
    }

    private static OrderedDictionary Spec(IReadOnlyList<UsdtArgument> args, ulong cookie) => new()
    {
        ["args"] = args.Select(a => (object)a.ToRecord()).ToArray(),
        ["usdt_cookie"] = cookie,
        ["arg_cnt"] = (short)args.Count,
    };

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing); // the first link
        if (!disposing || _released) return;
        _released = true; // the spec ids may be someone else's after the first release
        foreach (var l in _links.Skip(1)) l.Dispose();
        foreach (var e in _events) e.Dispose();
        UsdtSpecSlots.Release(_specs, _specIds);
    }
}
