// libbpf-bootstrap's "minimal" with PSBpf: one tracepoint program on write(2) that bpf_printk()s a line for each write of
// this process; the process writes a dot to stderr every second, so a line a second appears in the kernel's trace buffer.
// Usage: Minimal [minimal.bpf.o] [-d <seconds to run, 0 = until Ctrl-C>]
using PSBpf.Engine;

string path = Path.Combine("tests", "fixtures", "build", "minimal.bpf.o");
int seconds = 0;
for (int i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "-d" when i + 1 < args.Length && int.TryParse(args[i + 1], out seconds) && seconds >= 0: i++; break;
        case "-h" or "--help" or "-d":
            Console.Error.WriteLine("usage: Minimal [minimal.bpf.o] [-d <seconds, 0 = until Ctrl-C>]");
            return 2;
        default: path = args[i]; break;
    }
}

using var obj = BpfObject.Open(path);
// Only write() calls of this process: .bss, set before load like skel->bss->my_pid = getpid().
obj.Globals["my_pid"].Value = Environment.ProcessId;
obj.Load();
using var link = obj.Programs["handle_tp"].Attach();

// The C original names debugfs's path; tracefs has its own mount point on current systems.
string tracing = Directory.Exists("/sys/kernel/debug/tracing") ? "/sys/kernel/debug/tracing" : "/sys/kernel/tracing";
Console.WriteLine($"Successfully started! Please run `sudo cat {tracing}/trace_pipe` to see output of the BPF programs.");

using var cts = seconds > 0 ? new CancellationTokenSource(TimeSpan.FromSeconds(seconds)) : new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; cts.Cancel(); };
do
{
    Console.Error.Write("."); // a write(2) of this process: triggers the BPF program
}
while (!cts.Token.WaitHandle.WaitOne(TimeSpan.FromSeconds(1)));

Console.Error.WriteLine();
return 0;
