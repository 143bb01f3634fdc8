namespace PSBpf.Engine.Tests;

/// <summary>The failed call is data (system call, bpf command, errno); classification reads it, not the message.</summary>
public sealed class BpfSyscallExceptionTests
{
    [Fact]
    public void Bpf_failures_carry_their_command_and_other_calls_their_system_call()
    {
        var map = new BpfSyscallException(BpfCommand.MapUpdateElem, "BPF_MAP_UPDATE_ELEM on map 'm'", 17);
        Assert.Equal((BpfSystemCall.Bpf, BpfCommand.MapUpdateElem, 17, "EEXIST"), (map.SystemCall, map.Command, map.Errno, map.ErrorName));
        Assert.Equal("BPF_MAP_UPDATE_ELEM on map 'm': EEXIST", map.Message);
        var open = new BpfSyscallException(BpfSystemCall.OpenNamespace, "open of network namespace x (/run/netns/x)", 2);
        Assert.Null(open.Command);
        Assert.True(open.IsNotFound);
    }

    [Theory]
    [InlineData(BpfCommand.ProgLoad, 1, true)]       // EPERM: no CAP_BPF
    [InlineData(BpfCommand.ProgLoad, 13, false)]     // EACCES from the verifier: the program, not the caller
    [InlineData(BpfCommand.ObjGet, 13, true)]        // EACCES on a pin: file permissions
    [InlineData(BpfCommand.MapCreate, 22, false)]
    public void Permission_denied_is_EPERM_or_EACCES_except_the_verifiers(BpfCommand command, int errno, bool denied)
    {
        Assert.Equal(denied, new BpfSyscallException(command, "x", errno).IsPermissionDenied);
    }

    [Fact]
    public void Open_failures_with_EACCES_are_permission_denied()
    {
        Assert.True(new BpfSyscallException(BpfSystemCall.Open, "open of trace_pipe", 13).IsPermissionDenied);
    }

    [Theory]
    [InlineData(BpfCommand.MapUpdateElem, true)]
    [InlineData(BpfCommand.MapLookupBatch, true)]
    [InlineData(BpfCommand.MapFreeze, true)]
    [InlineData(BpfCommand.MapCreate, false)]
    [InlineData(BpfCommand.MapGetFdById, false)]
    public void Map_element_operations_are_told_from_map_creation(BpfCommand command, bool element)
    {
        Assert.Equal(element, new BpfSyscallException(command, "x", 16).IsMapElementOperation);
    }

    [Fact]
    public void Real_failed_calls_name_their_system_call_and_command()
    {
        var ns = Assert.Throws<BpfSyscallException>(() => Native.LibC.OpenNamespace("/run/netns/psbpf-none-" + Environment.ProcessId, "network namespace x"));
        Assert.Equal((BpfSystemCall.OpenNamespace, true), (ns.SystemCall, ns.IsNotFound));
        using var obj = BpfObject.Open(Fixtures.Object("bad_verifier"));
        var rejected = Assert.IsType<BpfVerifierException>(Record.Exception(() => obj.Load()));
        Assert.Equal((BpfSystemCall.Bpf, BpfCommand.ProgLoad), (rejected.SystemCall, rejected.Command));
        Assert.False(rejected.IsPermissionDenied);
    }
}
