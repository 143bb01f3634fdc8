using PSBpf.Engine.Asm;
using PSBpf.Engine.Btf;

namespace PSBpf.Engine;

/// <summary>
/// One BPF program (an entry point in a non-.text executable section) or subprogram (a function in .text),
/// as read at open: instructions, type from the section name, relocations and BTF.ext records.
/// </summary>
public sealed class BpfProgram
{
    internal BpfProgram(BpfObject owner, string name, string sectionName, int sectionIndex, int sectionInstructionOffset,
        BpfInstruction[] instructions, bool autoLoad, bool isSubprogram)
    {
        Object = owner;
        Name = name;
        SectionName = sectionName;
        SectionIndex = sectionIndex;
        SectionInstructionOffset = sectionInstructionOffset;
        InstructionArray = instructions;
        AutoLoad = autoLoad;
        IsSubprogram = isSubprogram;
    }

    internal BpfObject Object { get; }

    /// <summary>Function name.</summary>
    public string Name { get; }
    /// <summary>ELF section name without a leading '?'.</summary>
    public string SectionName { get; }
    /// <summary>The matching section-table entry, or null when libbpf would not recognise the section name.</summary>
    public BpfSectionDefinition? SectionDefinition { get; internal set; }
    /// <summary>Program type (from the section name; may be changed before load).</summary>
    public BpfProgramType Type { get; set; }
    /// <summary>Expected attach type (null where the section implies none; may be changed before load).</summary>
    public BpfAttachType? ExpectedAttachType { get; set; }
    /// <summary>prog_flags the load passes (BPF_F_SLEEPABLE, BPF_F_XDP_HAS_FRAGS from the section name).</summary>
    public uint Flags { get; set; }
    /// <summary>What the section name says to attach to (text after the first '/'), e.g. "sched/sched_process_exec".</summary>
    public string? AttachTarget { get; internal set; }
    /// <summary>
    /// The kernel id of the BPF program a freplace program replaces a function of (see <see cref="SetAttachTarget(BpfProgram, string?)"/>);
    /// null when none was set, or when the target program is not loaded yet.
    /// </summary>
    public uint? AttachProgramId => AttachProgram?.Id ?? _attachProgramId;
    /// <summary>True once <see cref="SetAttachTarget(BpfProgram, string?)"/> or its id overload named a target program, loaded or not.</summary>
    public bool HasAttachProgram => AttachProgram is not null || _attachProgramId is not null;
    /// <summary>The target set as a program of this session (its fd is used at load), or null.</summary>
    internal BpfProgram? AttachProgram { get; private set; }
    private uint? _attachProgramId;

    /// <summary>False for SEC("?...") programs; programs with AutoLoad off are skipped at load.</summary>
    public bool AutoLoad { get; set; }
    /// <summary>
    /// Sets what a freplace program replaces, before load, as libbpf's bpf_program__set_attach_target: a global function
    /// of <paramref name="target"/> (a program that must be loaded, with BTF, by the time this one loads), named by
    /// <paramref name="function"/> or, when that is null, by the section (SEC("freplace/NAME")).
    /// </summary>
    /// <exception cref="InvalidOperationException">This program is loaded already.</exception>
    public void SetAttachTarget(BpfProgram target, string? function = null)
    {
        ArgumentNullException.ThrowIfNull(target);
        SetAttachTarget(function);
        (AttachProgram, _attachProgramId) = (target, null);
    }

    /// <summary>As <see cref="SetAttachTarget(BpfProgram, string?)"/>, for a program in the kernel by id (loaded by another process, for example).</summary>
    /// <exception cref="InvalidOperationException">This program is loaded already.</exception>
    public void SetAttachTarget(uint programId, string? function = null)
    {
        SetAttachTarget(function);
        (AttachProgram, _attachProgramId) = (null, programId);
    }

    private void SetAttachTarget(string? function)
    {
        if (Id is not null) throw new InvalidOperationException($"program '{Name}' is loaded; set its attach target before Load()");
        if (function is not null)
        {
            ArgumentException.ThrowIfNullOrEmpty(function);
            AttachTarget = function;
        }
    }

    /// <summary>True for .text functions, which are appended to the programs that call them.</summary>
    public bool IsSubprogram { get; }
    /// <summary>True for global (non-static) functions.</summary>
    public bool IsGlobalFunction { get; internal set; }
    /// <summary>True when a global function has hidden visibility, so its BTF FUNC is treated as static (as libbpf does).</summary>
    public bool MarkBtfStatic { get; internal set; }

    internal int SectionIndex { get; }
    /// <summary>Index of the program's first instruction within its section.</summary>
    public int SectionInstructionOffset { get; }

    internal BpfInstruction[] InstructionArray { get; }
    /// <summary>The program's own instructions as found in the ELF (before relocation and subprogram linking).</summary>
    public IReadOnlyList<BpfInstruction> Instructions => InstructionArray;
    /// <summary>Number of instruction slots.</summary>
    public int InstructionCount => InstructionArray.Length;

    /// <summary>Relocations against this program's instructions.</summary>
    public IReadOnlyList<BpfRelocation> Relocations { get; internal set; } = [];
    /// <summary>func_info records within this program (instruction offsets relative to the program).</summary>
    public IReadOnlyList<BtfFuncInfo> FuncInfos { get; internal set; } = [];
    /// <summary>line_info records within this program (instruction offsets relative to the program).</summary>
    public IReadOnlyList<BtfLineInfo> LineInfos { get; internal set; } = [];
    /// <summary>CO-RE relocation records within this program (instruction offsets relative to the program).</summary>
    public IReadOnlyList<BtfCoreRelocation> CoreRelocations { get; internal set; } = [];

    /// <summary>Kernel program id once loaded, else null.</summary>
    public uint? Id { get; internal set; }
    /// <summary>Kernel program tag (16 hex digits) once loaded, else null.</summary>
    public string? Tag { get; internal set; }

    /// <summary>Instructions the verifier processed (bpf_prog_info.verified_insns) once loaded.</summary>
    public uint? VerifiedInstructions { get; internal set; }
    /// <summary>The verifier log of a successful load when a log level was requested, else null.</summary>
    public string? VerifierLog { get; internal set; }
    internal Native.BpfFd? Fd { get; set; }

    /// <summary>For struct_ops programs after load: the kernel member it implements, e.g. "tcp_congestion_ops.init".</summary>
    public string? StructOpsMember { get; internal set; }

    /// <summary>
    /// Attaches the program where its section name says (skeleton-style auto-attach): tracepoints, raw tracepoints,
    /// tp_btf (and fentry/fexit/lsm where the kernel has trampolines), iterators, and uprobes/kprobes whose section names
    /// their target. Other types need a target: see <see cref="Attach(BpfAttachOptions)"/> and <see cref="CanAutoAttach"/>.
    /// </summary>
    public BpfLink Attach() => BpfAttacher.Attach(this, null);

    /// <summary>Attaches the program to an explicit target (interface, cgroup, binary and symbol, socket, …).</summary>
    public BpfLink Attach(BpfAttachOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return BpfAttacher.Attach(this, options);
    }

    /// <summary>True when <see cref="Attach()"/> can work out the target from the section name alone.</summary>
    public bool CanAutoAttach => BpfAttacher.CanAutoAttach(this);

    /// <summary>
    /// Runs the loaded program in the kernel on the given packet and context (BPF_PROG_TEST_RUN, like <c>bpftool prog
    /// run</c>): nothing is attached; maps the program writes change as they would in a real run.
    /// </summary>
    /// <param name="options">The packet, the context and the repeat count.</param>
    /// <param name="factory">Builds the decoded context's records (null: ordered dictionaries).</param>
    /// <exception cref="BpfNotLoadedException">The program is not loaded.</exception>
    /// <exception cref="BpfRunInputException">The input does not suit the program type (a missing packet, a repeat count for a type that runs once).</exception>
    /// <exception cref="Btf.BpfValueException">The context does not fit its type.</exception>
    /// <exception cref="BpfSyscallException">The kernel refused the run (ENOTSUPP: it cannot test-run this type).</exception>
    public BpfRunResult Run(BpfRunOptions options, Btf.BtfValueFactory? factory = null) =>
        BpfProgramRunner.Run(new(LoadedFd(), Id ?? 0, Name, Type, Type == BpfProgramType.syscall ? BpfRunContext.FirstArgument(this) : null), options, factory);

    private readonly List<BpfLink> _links = [];

    /// <summary>The links made through Attach that are still attached (a method, not a property: links point back here).</summary>
    public IReadOnlyList<BpfLink> GetLinks()
    {
        lock (_links) return [.. _links];
    }

    internal void Register(BpfLink link)
    {
        lock (_links) _links.Add(link);
    }

    internal void Unregister(BpfLink link)
    {
        lock (_links) _links.Remove(link);
    }

    internal Native.BpfFd LoadedFd() =>
        Fd ?? throw new BpfNotLoadedException($"program '{Name}'");

    /// <inheritdoc />
    public override string ToString() => $"{Name} ({SectionName}, {Type}, {InstructionCount} insns)";
}
