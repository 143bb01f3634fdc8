// One pass over the engine's main paths, printing what it sees: open (ELF, BTF, CO-RE records), load against the
// running kernel, tracepoint attach, ring buffer records, map reads decoded through BTF, a test run, kernel inspection,
// and that every fd opened is closed again. NativeAotTests runs it JIT-compiled and NativeAOT-compiled and compares.
using System.Buffers.Binary;
using System.Diagnostics;
using System.Text;
using PSBpf.Engine;

string fixtures = args[0];
var fdsBefore = OpenFds();

using (var obj = BpfObject.Open(Path.Combine(fixtures, "bootstrap.bpf.o")))
{
    Console.WriteLine($"object {obj.Name} license {obj.License}");
    foreach (var p in obj.Programs)
    {
        Console.WriteLine($"program {p.Name} {p.SectionName} {p.Type} {p.InstructionCount} insns, {p.CoreRelocations.Count} CO-RE relocations");
    }

    foreach (var m in obj.Maps)
    {
        Console.WriteLine($"map {m}");
    }

    obj.Globals["min_duration_ns"].Value = 0UL; // every exit is reported
    obj.Load();
    foreach (var p in obj.Programs)
    {
        using var kernel = BpfKernelProgram.Open(p.Id!.Value);
        Console.WriteLine($"loaded {p.Name} tag {p.Tag} kernel name {kernel.Info.Name} type {kernel.Info.Type} same tag {kernel.Info.Tag == p.Tag}");
    }

    using var exec = obj.Programs["handle_exec"].Attach();
    using var exit = obj.Programs["handle_exit"].Attach();
    using var rb = new BpfRingBufferReader(obj.Maps["rb"]);
    using var child = Process.Start(new ProcessStartInfo("/bin/true") { UseShellExecute = false })!;
    child.WaitForExit();
    bool sawExec = false, sawExit = false;
    var until = DateTime.UtcNow.AddSeconds(10);
    while (!(sawExec && sawExit) && DateTime.UtcNow < until)
    {
        rb.Read(TimeSpan.FromMilliseconds(200), CancellationToken.None, record =>
        {
            // struct event: pid, ppid, exit_code, duration_ns, comm[16], filename[127], exit_event
            if (BinaryPrimitives.ReadInt32LittleEndian(record) != child.Id) return;
            bool isExit = record[24 + 16 + 127] != 0;
            string comm = Encoding.ASCII.GetString(record.Slice(24, 16)).TrimEnd('\0');
            sawExec |= !isExit && comm == "true";
            sawExit |= isExit && comm == "true";
        });
    }

    Console.WriteLine($"ring buffer: exec event for the child {sawExec}, exit event {sawExit}");
    // handle_exit deletes the child's start time again
    bool held = obj.Maps["exec_start"].Keys().Any(k => BinaryPrimitives.ReadInt32LittleEndian(k) == child.Id);
    Console.WriteLine($"exec_start still holds the child: {held}");
}

using (var obj = BpfObject.Open(Path.Combine(fixtures, "socket_filter.bpf.o")))
{
    obj.Load();
    // an Ethernet frame of IPv4 (60 bytes); a test run hands the program the skb after the Ethernet header, where the
    // filter's load at ETH_HLEN + 9 lands on byte 37 of the frame: UDP (17) there
    var packet = new byte[60];
    packet[12] = 0x08;
    packet[14] = 0x45;
    packet[37] = 17;
    var result = obj.Programs["socket_count"].Run(new BpfRunOptions { Data = packet, Repeat = 3 });
    Console.WriteLine($"test run: return value {result.ReturnValue}");
    foreach (var (key, value) in obj.Maps["ip_proto_count"].DecodedEntries())
    {
        if (value is not (0UL or null)) Console.WriteLine($"ip_proto_count[{key}] = {value}");
    }
}

// what the engine opens: BPF objects, perf events, epoll, BTF and the fixtures (the JIT runtime keeps its own files open)
var left = OpenFds().Except(fdsBefore).Where(f => f.Contains("anon_inode") || f.Contains("/sys/") || f.Contains(fixtures)).ToList();
Console.WriteLine($"engine fds left open: {left.Count} {string.Join(", ", left)}");

static HashSet<string> OpenFds() => [.. new DirectoryInfo("/proc/self/fd").GetFileSystemInfos().Select(f => $"{f.Name} -> {f.LinkTarget}")];
