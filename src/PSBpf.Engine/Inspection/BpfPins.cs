using PSBpf.Engine.Native;

namespace PSBpf.Engine;

/// <summary>
/// Where programs, maps and links are pinned: a walk over every bpffs mount (from /proc/self/mounts), opening each
/// pin (BPF_OBJ_GET) to learn its id, as <c>bpftool -f</c> does. Pins that cannot be opened are skipped.
/// </summary>
internal sealed class BpfPins
{
    private readonly Dictionary<uint, List<string>> _programs = [];
    private readonly Dictionary<uint, List<string>> _maps = [];
    private readonly Dictionary<uint, List<string>> _links = [];

    public static BpfPins Empty { get; } = new();

    public string[] Programs(uint id) => Get(_programs, id);
    public string[] Maps(uint id) => Get(_maps, id);
    public string[] Links(uint id) => Get(_links, id);

    public static BpfPins Scan()
    {
        var pins = new BpfPins();
        foreach (var mount in Loader.BpfFs.BpfMounts())
        {
            IEnumerable<string> files;
            try
            {
                files = Directory.EnumerateFiles(mount, "*", new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true, AttributesToSkip = FileAttributes.ReparsePoint });
                foreach (var file in files) pins.Add(file);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // a directory vanished during the walk; what was seen so far stands
            }
        }

        return pins;
    }

    private void Add(string path)
    {
        BpfFd fd;
        try
        {
            fd = Bpf.ObjGet(path);
        }
        catch (BpfSyscallException)
        {
            return; // not a BPF object (e.g. bpf_preload's maps.debug), or gone
        }

        using (fd)
        {
            switch (BpfInspection.KindOf(fd))
            {
                case BpfKernelObjectKind.Program:
                    Record(_programs, Bpf.ProgGetInfo(fd).id, path);
                    break;
                case BpfKernelObjectKind.Map:
                    Record(_maps, Bpf.MapGetInfo(fd).id, path);
                    break;
                case BpfKernelObjectKind.Link:
                    var info = default(LinkInfo);
                    Bpf.LinkGetInfo(fd, ref info);
                    Record(_links, info.id, path);
                    break;
            }
        }
    }

    private static void Record(Dictionary<uint, List<string>> table, uint id, string path)
    {
        if (!table.TryGetValue(id, out var list)) table[id] = list = [];
        if (!list.Contains(path)) list.Add(path);
    }

    private static string[] Get(Dictionary<uint, List<string>> table, uint id) =>
        table.TryGetValue(id, out var list) ? [.. list] : [];
}
