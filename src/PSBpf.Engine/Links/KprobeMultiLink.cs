using System.Text;
using PSBpf.Engine.Native;

namespace PSBpf.Engine;

/// <summary>
/// A kprobe.multi (or kretprobe.multi) program on many kernel functions through one BPF link (BPF_TRACE_KPROBE_MULTI,
/// kernel 5.18+ with CONFIG_FPROBE; libbpf's bpf_program__attach_kprobe_multi_opts). The functions come from a glob
/// pattern resolved as libbpf does, or are named one by one.
/// </summary>
public sealed class KprobeMultiLink : BpfLink
{
    private KprobeMultiLink(BpfProgram program, BpfFd link, string pattern, IReadOnlyList<string> functions, bool retprobe)
        : base(program, link, $"{(retprobe ? "kretprobe.multi" : "kprobe.multi")} {pattern} ({functions.Count} functions)")
    {
        Pattern = pattern;
        Functions = functions;
        IsRetprobe = retprobe;
    }

    /// <inheritdoc />
    public override string Kind => IsRetprobe ? "kretprobe.multi" : "kprobe.multi";
    /// <summary>The pattern as given.</summary>
    public string Pattern { get; }
    /// <summary>The kernel functions probed.</summary>
    public IReadOnlyList<string> Functions { get; }
    /// <summary>True for return probes.</summary>
    public bool IsRetprobe { get; }

    /// <summary>
    /// Attaches a kprobe.multi program to every kernel function matching <paramref name="pattern"/> ('*' and '?'
    /// wildcards; a plain name is one function), as return probes when <paramref name="retprobe"/>.
    /// </summary>
    /// <exception cref="ArgumentException">The program is not a KprobeMulti program (see <see cref="BpfAttachKinds.KprobeMulti"/>).</exception>
    /// <exception cref="BpfNotLoadedException">The program is not loaded.</exception>
    /// <exception cref="KeyNotFoundException">No kernel function matches the pattern.</exception>
    /// <exception cref="NotSupportedException">The kernel has no kprobe.multi links (built without CONFIG_FPROBE).</exception>
    public static unsafe KprobeMultiLink Attach(BpfProgram program, string pattern, bool retprobe)
    {
        BpfAttachKinds.KprobeMulti.Require(program);
        ArgumentException.ThrowIfNullOrEmpty(pattern);
        var fd = program.LoadedFd();
        string what = $"program '{program.Name}' on {(retprobe ? "kretprobe.multi" : "kprobe.multi")} {pattern}";
        var functions = KernelFunctions.Matching(pattern);
        if (functions.Count == 0) throw new KeyNotFoundException($"{what}: no kernel function matches '{pattern}'");

        // the kernel reads an array of C string pointers: one pinned block of NUL-terminated names and a pointer table
        var names = functions.Select(f => Encoding.UTF8.GetBytes(f + "\0")).ToArray();
        var block = new byte[names.Sum(n => n.Length)];
        var pointers = new ulong[names.Length];
        fixed (byte* b = block)
        fixed (ulong* ptrs = pointers)
        {
            int at = 0;
            for (int i = 0; i < names.Length; i++)
            {
                names[i].CopyTo(block, at);
                pointers[i] = (ulong)(b + at);
                at += names[i].Length;
            }

            var attr = MultiProbeLinkAttr.Kprobe(fd, (ulong)ptrs, (uint)names.Length, retprobe);
            int r = Bpf.TryLinkCreate(ref attr);
            if (r == -Errno.EOPNOTSUPP)
            {
                throw new NotSupportedException($"{what}: this kernel has no kprobe.multi links (built without CONFIG_FPROBE)");
            }

            if (r < 0) throw new BpfSyscallException(BpfCommand.LinkCreate, $"BPF_LINK_CREATE for {what}", -r, Bpf.Explain(BpfCommand.LinkCreate, -r));
            return new KprobeMultiLink(program, new BpfFd(r), pattern, functions, retprobe);
        }
    }
}
