using System.Xml.Linq;

namespace PSBpf.Module.Tests;

/// <summary>The table views of Test-BpfObject and Receive-BpfTraceLog show the columns their models (veristat, bpftool prog tracelog) show.</summary>
public sealed class SurfaceFormatViewTests
{
    private static List<string> Labels(string type) =>
        XDocument.Load(TestPaths.FormatFile).Descendants("View")
            .Single(v => v.Element("TableControl") is not null && v.Descendants("TypeName").Any(t => t.Value == type))
            .Descendants("TableColumnHeader").Select(h => h.Element("Label")!.Value).ToList();

    [Fact]
    public void Verification_table_has_veristat_columns()
    {
        // veristat's default columns: File, Program, Verdict, Duration (us), Insns, States, Peak states (plus stack depth)
        Assert.Equal(["Object", "Program", "Verdict", "Duration (us)", "Insns", "States", "Peak states", "Stack"], Labels("PSBpf.Engine.BpfProgramVerification"));
    }

    [Fact]
    public void Trace_table_has_the_trace_pipe_columns()
    {
        Assert.Equal(["Time", "Cpu", "Pid", "Comm", "Function", "Message"], Labels("PSBpf.Engine.BpfTraceRecord"));
    }
}
