namespace PSBpf.Engine.Tests;

public class SmokeTests
{
    [Fact]
    public void MinimalOpens()
    {
        using var obj = BpfObject.Open(Fixtures.Object("minimal"));
        Assert.Equal("minimal", obj.Name);
        var p = obj.Programs["handle_tp"];
        Assert.Equal(BpfProgramType.tracepoint, p.Type);
        Assert.Equal("syscalls/sys_enter_write", p.AttachTarget);
        Assert.Contains("minimal.bss", obj.Maps.Names);
        Assert.Equal(0, obj.Globals["my_pid"].Value);
        obj.Globals["my_pid"].Value = 1234;
        Assert.Equal(1234, obj.Globals["my_pid"].Value);
    }
}
