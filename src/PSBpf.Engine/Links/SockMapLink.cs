using PSBpf.Engine.Native;

namespace PSBpf.Engine;

/// <summary>
/// An sk_skb or sk_msg program on a sockmap or sockhash: a sockmap link (BPF_LINK_CREATE with the map's fd as target,
/// kernel 6.10+, libbpf's bpf_program__attach_sockmap), or BPF_PROG_ATTACH with the map's fd where the kernel has no
/// sockmap links. The program then runs for every socket in the map.
/// </summary>
public sealed class SockMapLink : BpfLink
{
    private readonly BpfFd? _legacyProg;

    private SockMapLink(BpfProgram program, BpfFd fd, BpfMap map, BpfAttachType attachType, BpfFd? legacyProg)
        : base(program, fd, $"{attachType} map {map.Name}{(legacyProg is null ? "" : " (prog_attach)")}")
    {
        SockMap = map;
        AttachType = attachType;
        _legacyProg = legacyProg;
    }

    /// <inheritdoc />
    public override string Kind => "sockmap";
    /// <summary>The sockmap or sockhash the program is attached to.</summary>
    public BpfMap SockMap { get; }
    /// <summary>The attach type (sk_skb_stream_parser, sk_skb_stream_verdict, sk_skb_verdict or sk_msg_verdict).</summary>
    public BpfAttachType AttachType { get; }
    /// <summary>True when attached with BPF_PROG_ATTACH (no kernel link: cannot be pinned).</summary>
    public bool IsLegacy => _legacyProg is not null;
    private protected override bool IsKernelLink => _legacyProg is null;

    /// <summary>
    /// Attaches an sk_skb or sk_msg program to sockmap or sockhash <paramref name="map"/>; the attach type is
    /// <paramref name="attachType"/>, or the program's own (from the SEC() name). A sockmap link where the kernel has
    /// them (EINVAL before 6.10: BPF_PROG_ATTACH instead), or BPF_PROG_ATTACH when <paramref name="legacy"/>.
    /// </summary>
    /// <exception cref="ArgumentException">The program is not an sk_skb/sk_msg program (see <see cref="BpfAttachKinds.SockMap"/>), the map is not a sockmap or sockhash, or the attach type does not fit the program.</exception>
    /// <exception cref="BpfNotLoadedException">The program or the map is not loaded.</exception>
    public static SockMapLink Attach(BpfProgram program, BpfMap map, BpfAttachType? attachType = null, bool legacy = false)
    {
        BpfAttachKinds.SockMap.Require(program);
        ArgumentNullException.ThrowIfNull(map);
        if (map.Type is not (BpfMapType.sockmap or BpfMapType.sockhash))
            throw new ArgumentException($"program '{program.Name}' attaches to a sockmap or sockhash; map '{map.Name}' is a {map.Type}", nameof(map));
        var type = attachType ?? program.ExpectedAttachType
            ?? throw new BpfAttachTargetRequiredException(program.Name, program.Type, program.SectionName, BpfAttachKinds.SockMap.TargetHint!);
        bool fits = program.Type == BpfProgramType.sk_msg
            ? type == BpfAttachType.sk_msg_verdict
            : type is BpfAttachType.sk_skb_stream_parser or BpfAttachType.sk_skb_stream_verdict or BpfAttachType.sk_skb_verdict;
        if (!fits) throw new ArgumentException($"program '{program.Name}' ({program.Type}) cannot attach to a sockmap as {type}", nameof(attachType));
        var prog = program.LoadedFd();
        var mapFd = map.LoadedFd();
        string what = $"program '{program.Name}' ({type}) on map '{map.Name}'";
        if (!legacy)
        {
            var attr = new LinkCreateAttr { prog_fd = (uint)prog.Value, target_fd = (uint)mapFd.Value, attach_type = (uint)type };
            // null (EINVAL): a kernel before sockmap links (6.10); any other error is the real answer
            if (Bpf.LinkCreateOrNullIfUnsupported(ref attr, what) is { } link) return new SockMapLink(program, link, map, type, null);
        }

        // BPF_PROG_ATTACH names the map and the program, so keep our own copies of both for BPF_PROG_DETACH
        BpfFd? mapDup = null, progDup = null;
        try
        {
            mapDup = LibC.Duplicate(mapFd.Value, $"map '{map.Name}'");
            progDup = LibC.Duplicate(prog.Value, $"program '{program.Name}'");
            Bpf.ProgAttach(mapDup, progDup, type, 0, what);
            return new SockMapLink(program, mapDup, map, type, progDup);
        }
        catch
        {
            progDup?.Dispose();
            mapDup?.Dispose();
            throw;
        }
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        // a BPF_PROG_ATTACH attachment stays on the map until BPF_PROG_DETACH: closing fds is not enough
        if (disposing && _legacyProg is not null && !Fd.IsClosed) Bpf.TryProgDetach(Fd, _legacyProg, AttachType);
        base.Dispose(disposing);
        if (disposing) _legacyProg?.Dispose();
    }
}
