// libbpf-bootstrap's "bootstrap" with PSBpf: traces process exec and exit through two tracepoint programs, a hash map
// of start times and a ring buffer of events, and prints the same columns as the C original.
// Usage: Bootstrap <bootstrap.bpf.o> [-h <bootstrap.h>] [-d <min duration ms>] [-t <seconds to run, 0 = until Ctrl-C>]
// Records are typed from the shared header bootstrap.h (by default beside the object or in its parent directory): the
// BPF program only uses struct event through local pointers, so the object's BTF does not have it.
using System.Collections.Specialized;
using PSBpf.Engine;
using PSBpf.Engine.Btf;

string? path = null;
string? header = null;
ulong minDurationMs = 0;
int seconds = 0;
for (int i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "-d": minDurationMs = ulong.Parse(args[++i]); break;
        case "-t": seconds = int.Parse(args[++i]); break;
        case "-h": header = args[++i]; break;
        default: path = args[i]; break;
    }
}

if (path is null)
{
    Console.Error.WriteLine("usage: Bootstrap <bootstrap.bpf.o> [-h <bootstrap.h>] [-d <min duration ms>] [-t <seconds>]");
    return 2;
}

string objectDir = Path.GetDirectoryName(Path.GetFullPath(path))!;
header ??= new[] { Path.Combine(objectDir, "bootstrap.h"), Path.Combine(objectDir, "..", "bootstrap.h") }.FirstOrDefault(File.Exists);
if (header is null)
{
    Console.Error.WriteLine("bootstrap.h not found beside the object or in its parent directory; give it with -h");
    return 2;
}

using var obj = BpfObject.Open(path);
obj.Globals["min_duration_ns"].Value = minDurationMs * 1_000_000; // .rodata, set before load like skel->rodata->min_duration_ns
obj.Load();
using var exec = obj.Programs["handle_exec"].Attach();
using var exit = obj.Programs["handle_exit"].Attach();
using var ring = new BpfRingBufferReader(obj.Maps["rb"]);
var decoder = BpfEventDecoder.FromHeader(BtfCHeader.Load(header), "event");

using var cts = seconds > 0 ? new CancellationTokenSource(TimeSpan.FromSeconds(seconds)) : new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; cts.Cancel(); };
Console.WriteLine($"{"TIME",-8} {"EVENT",-5} {"COMM",-16} {"PID",-7} {"PPID",-7} {"FILENAME/EXIT CODE"}");
try
{
    while (!cts.IsCancellationRequested)
    {
        ring.Read(TimeSpan.FromMilliseconds(100), cts.Token, record =>
        {
            var e = (OrderedDictionary)decoder.Decode(record)!;
            string time = DateTime.Now.ToString("HH:mm:ss");
            if ((bool)e["exit_event"]!)
            {
                ulong ms = (ulong)e["duration_ns"]! / 1_000_000;
                Console.WriteLine($"{time,-8} {"EXIT",-5} {e["comm"],-16} {e["pid"],-7} {e["ppid"],-7} [{e["exit_code"]}]{(ms > 0 ? $" ({ms}ms)" : string.Empty)}");
            }
            else
            {
                Console.WriteLine($"{time,-8} {"EXEC",-5} {e["comm"],-16} {e["pid"],-7} {e["ppid"],-7} {e["filename"]}");
            }
        });
    }
}
catch (OperationCanceledException)
{
    // -t elapsed or Ctrl-C
}

return 0;
