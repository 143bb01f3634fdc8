using System.Globalization;
using PSBpf.Engine.Native;

namespace PSBpf.Engine;

/// <summary>
/// A tracepoint program attached as libbpf does: a perf event for the tracepoint (id from tracefs),
/// then a BPF perf link on it. One event (cpu 0, any pid) is enough: the program hangs off the tracepoint itself and runs
/// for hits on every CPU, so a second event would run it twice.
/// </summary>
public sealed class TracepointLink : PerfEventLink
{
    private TracepointLink(BpfProgram program, BpfFd perfEvent, BpfFd link, string category, string name)
        : base(program, perfEvent, link, $"tracepoint {category}/{name}")
    {
        Category = category;
        Name = name;
    }

    /// <inheritdoc />
    public override string Kind => "tracepoint";
    /// <summary>Tracepoint category (e.g. "syscalls").</summary>
    public string Category { get; }
    /// <summary>Tracepoint name (e.g. "sys_enter_write").</summary>
    public string Name { get; }

    /// <summary>Attaches a tracepoint program to tracefs tracepoint <paramref name="category"/>/<paramref name="name"/> through a perf event.</summary>
    /// <exception cref="ArgumentException">The program is not a Tracepoint program (see <see cref="BpfAttachKinds.Tracepoint"/>).</exception>
    /// <exception cref="BpfNotLoadedException">The program is not loaded.</exception>
    public static TracepointLink Attach(BpfProgram program, string category, string name)
    {
        BpfAttachKinds.Tracepoint.Require(program);
        program.LoadedFd();
        var ev = Perf.OpenTracepoint(TracepointId(category, name), 0, $"tracepoint {category}/{name}");
        return new TracepointLink(program, ev, LinkTo(program, ev, $"program '{program.Name}' on tracepoint {category}/{name}"), category, name);
    }

    private static ulong TracepointId(string category, string name)
    {
        foreach (var root in new[] { "/sys/kernel/tracing", "/sys/kernel/debug/tracing" })
        {
            var file = Path.Combine(root, "events", category, name, "id");
            if (File.Exists(file)) return ulong.Parse(File.ReadAllText(file).Trim(), CultureInfo.InvariantCulture);
            if (TraceFsAccess.IsClosed(root)) throw TraceFsAccess.Refusal($"tracepoint {category}/{name} (its id is read from tracefs)", root);
            if (Directory.Exists(Path.Combine(root, "events")))
            {
                throw new BpfLoadException($"tracepoint {category}/{name}", $"does not exist ({file} is missing)");
            }
        }

        throw new BpfLoadException($"tracepoint {category}/{name}", "tracefs is not mounted (mount -t tracefs tracefs /sys/kernel/tracing)");
    }
}
