using System.Globalization;
using PSBpf.Engine.Native;

namespace PSBpf.Engine;

/// <summary>
/// A tracepoint program attached as libbpf does: a perf event for the tracepoint (id from tracefs),
/// then a BPF perf link on it. One event (cpu 0, any pid) is enough: the program hangs off the tracepoint itself and runs
/// for hits on every CPU, so a second event would run it twice.
/// </summary>
public sealed class TracepointLink : BpfLink
{
    private const uint AttachTypePerfEvent = 41; // BPF_PERF_EVENT
    private readonly BpfFd _event;

    private TracepointLink(BpfProgram program, BpfFd perfEvent, BpfFd link, string category, string name)
        : base(program, link, $"tracepoint {category}/{name}")
    {
        _event = perfEvent;
        Category = category;
        Name = name;
    }

    /// <inheritdoc />
    public override string Kind => "tracepoint";
    /// <summary>Tracepoint category (e.g. "syscalls").</summary>
    public string Category { get; }
    /// <summary>Tracepoint name (e.g. "sys_enter_write").</summary>
    public string Name { get; }

    internal static TracepointLink Attach(BpfProgram program, string category, string name)
    {
        var fd = program.Fd ?? throw new InvalidOperationException($"program '{program.Name}' is not loaded");
        var ev = Perf.OpenTracepoint(TracepointId(category, name), 0, $"tracepoint {category}/{name}");
        try
        {
            var attr = new LinkCreateAttr { prog_fd = (uint)fd.Value, target_fd = (uint)ev.Value, attach_type = AttachTypePerfEvent };
            return new TracepointLink(program, ev, Bpf.LinkCreate(ref attr, $"program '{program.Name}' on tracepoint {category}/{name}"), category, name);
        }
        catch
        {
            ev.Dispose();
            throw;
        }
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing) _event.Dispose(); // after the link: the link holds the event until it is released
    }

    private static ulong TracepointId(string category, string name)
    {
        foreach (var root in new[] { "/sys/kernel/tracing", "/sys/kernel/debug/tracing" })
        {
            var file = Path.Combine(root, "events", category, name, "id");
            if (File.Exists(file)) return ulong.Parse(File.ReadAllText(file).Trim(), CultureInfo.InvariantCulture);
            if (Directory.Exists(Path.Combine(root, "events")))
            {
                throw new BpfLoadException($"tracepoint {category}/{name}", $"does not exist ({file} is missing)");
            }
        }

        throw new BpfLoadException($"tracepoint {category}/{name}", "tracefs is not mounted (mount -t tracefs tracefs /sys/kernel/tracing)");
    }
}
