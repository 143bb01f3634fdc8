using PSBpf.Commands;
using PSBpf.Engine;
using PSBpf.Errors;

namespace PSBpf.Module.Tests;

/// <summary>How the entry cmdlets report maps they cannot open (by -Id, -PinnedPath, BpfMapInfo) and failed batch writes.</summary>
public sealed class KernelMapEntryErrorTests
{
    [Fact]
    public void Missing_ids_and_pins_are_not_found_and_other_pins_are_the_wrong_type()
    {
        var id = KernelMapCache.OpenFailure(new BpfKernelObjectNotFoundException(BpfKernelObjectKind.Map, 7u), 7u)!;
        Assert.Equal((BpfErrorIds.KernelObjectNotFound, BpfErrorCategory.ObjectNotFound), (id.ErrorId, id.Category));
        Assert.Contains("'7'", id.Message, StringComparison.Ordinal);

        var pin = KernelMapCache.OpenFailure(new BpfKernelObjectNotFoundException(BpfKernelObjectKind.Map, "/sys/fs/bpf/x"), "/sys/fs/bpf/x")!;
        Assert.Equal(BpfErrorIds.KernelObjectNotFound, pin.ErrorId);
        Assert.Contains("/sys/fs/bpf/x", pin.Message, StringComparison.Ordinal);

        var kind = KernelMapCache.OpenFailure(new InvalidOperationException("'/sys/fs/bpf/p' is pinned Program, not a map"), "/sys/fs/bpf/p")!;
        Assert.Equal((BpfErrorIds.MapWrongType, BpfErrorCategory.InvalidArgument), (kind.ErrorId, kind.Category));

        // privileges and the rest keep the general classification
        Assert.Null(KernelMapCache.OpenFailure(new BpfSyscallException(BpfCommand.MapGetFdById, "BPF_MAP_GET_FD_BY_ID for id 7", 1), 7u));
        Assert.Null(KernelMapCache.OpenFailure(new BpfSyscallException(BpfCommand.ObjGet, "BPF_OBJ_GET of /sys/fs/bpf/x", 13), "/sys/fs/bpf/x"));
    }

    [Fact]
    public void A_failed_batch_write_is_a_map_operation_failure_naming_the_key()
    {
        var e = new BpfMapBatchException(BpfCommand.MapUpdateBatch, "BPF_MAP_UPDATE_BATCH", "counts", 3, [1, 0, 0, 0], 17, "the key already exists (NoExist flag)");
        var info = BpfErrorClassifier.Classify(e);
        Assert.Equal(BpfErrorIds.MapOperationFailed, info.ErrorId);
        Assert.Contains("counts", info.Message, StringComparison.Ordinal);
        Assert.Contains("element 3 (key 01000000)", info.Message, StringComparison.Ordinal);
        Assert.Contains("EEXIST", info.Message, StringComparison.Ordinal);
    }
}
