using System.Globalization;

namespace PSBpf.Engine;

/// <summary>
/// Which processes hold which BPF programs, maps and links: a walk over /proc/*/fd, reading fdinfo only for BPF fds.
/// bpftool gets the same answer from a BPF task-file iterator; walking procfs needs no program of our own in the
/// kernel and sees what this user may see (all processes for root).
/// </summary>
internal sealed class BpfHolders
{
    private readonly Dictionary<uint, List<BpfProcessRef>> _programs = [];
    private readonly Dictionary<uint, List<BpfProcessRef>> _maps = [];
    private readonly Dictionary<uint, List<BpfProcessRef>> _links = [];

    public static BpfHolders Empty { get; } = new();

    public BpfProcessRef[] Programs(uint id) => Get(_programs, id);
    public BpfProcessRef[] Maps(uint id) => Get(_maps, id);
    public BpfProcessRef[] Links(uint id) => Get(_links, id);

    /// <summary>Walks /proc once. Processes that exit or deny access are skipped.</summary>
    public static BpfHolders Scan()
    {
        var holders = new BpfHolders();
        string[] processes;
        try
        {
            processes = Directory.GetDirectories("/proc");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return holders;
        }

        foreach (var dir in processes)
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out int pid)) continue;
            string? comm = null;
            string[] fds;
            try
            {
                fds = Directory.GetFiles(Path.Combine(dir, "fd"));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                continue;
            }

            foreach (var fd in fds)
            {
                string? target;
                try
                {
                    target = new FileInfo(fd).LinkTarget;
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    continue;
                }

                var (table, key) = target switch
                {
                    "anon_inode:bpf-prog" => (holders._programs, "prog_id"),
                    "anon_inode:bpf-map" => (holders._maps, "map_id"),
                    "anon_inode:bpf_link" => (holders._links, "link_id"),
                    _ => (null, string.Empty),
                };
                if (table is null) continue;

                var info = ProcFdInfo.Read(Path.Combine(dir, "fdinfo", Path.GetFileName(fd)));
                if (ProcFdInfo.ULong(info, key) is not { } id) continue;
                comm ??= ReadComm(dir);
                if (!table.TryGetValue((uint)id, out var list)) table[(uint)id] = list = [];
                if (!list.Exists(p => p.Pid == pid)) list.Add(new BpfProcessRef(pid, comm));
            }
        }

        return holders;
    }

    private static string ReadComm(string dir)
    {
        try
        {
            return File.ReadAllText(Path.Combine(dir, "comm")).TrimEnd('\n');
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return string.Empty;
        }
    }

    private static BpfProcessRef[] Get(Dictionary<uint, List<BpfProcessRef>> table, uint id) =>
        table.TryGetValue(id, out var list) ? [.. list] : [];
}
