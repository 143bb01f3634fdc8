using PSBpf.Engine;
using PSBpf.Errors;

namespace PSBpf.Module.Tests;

/// <summary>The error ids Add-BpfAttachment reports, decided without a runspace.</summary>
public sealed class AttachErrorClassifierTests
{
    [Fact]
    public void A_missing_target_is_its_own_id_and_names_the_parameters()
    {
        var info = BpfErrorClassifier.ClassifyAttach(new BpfAttachTargetRequiredException("xdp_count", BpfProgramType.xdp, "xdp", "an interface (Interface)"), "xdp_count");
        Assert.Equal((BpfErrorIds.AttachTargetRequired, BpfErrorCategory.InvalidArgument), (info.ErrorId, info.Category));
        Assert.Contains("xdp_count", info.Message, StringComparison.Ordinal);
        Assert.Contains("-Interface", info.RecommendedAction, StringComparison.Ordinal);
    }

    [Fact]
    public void Kernel_and_target_refusals_are_AttachFailed_but_privileges_stay_PermissionDenied()
    {
        var refused = BpfErrorClassifier.ClassifyAttach(new BpfSyscallException(BpfCommand.LinkCreate, "BPF_LINK_CREATE for program 'p'", 16), "p");
        Assert.Equal((BpfErrorIds.AttachFailed, BpfErrorCategory.InvalidOperation), (refused.ErrorId, refused.Category));
        Assert.StartsWith("Cannot attach program 'p': ", refused.Message, StringComparison.Ordinal);
        Assert.Contains("EBUSY", refused.Message, StringComparison.Ordinal);

        Assert.Equal(BpfErrorIds.AttachFailed, BpfErrorClassifier.ClassifyAttach(new ArgumentException("no network interface 'x'", "name"), "p").ErrorId);
        Assert.Equal(BpfErrorIds.AttachFailed, BpfErrorClassifier.ClassifyAttach(new NotSupportedException("no kprobe PMU"), "p").ErrorId);
        Assert.Equal(BpfErrorIds.AttachFailed, BpfErrorClassifier.ClassifyAttach(new FileNotFoundException("uprobe target 'x' is not in $PATH", "x"), "p").ErrorId);
        Assert.Equal(BpfErrorIds.PermissionDenied, BpfErrorClassifier.ClassifyAttach(new BpfSyscallException(BpfCommand.LinkCreate, "BPF_LINK_CREATE for program 'p'", 1), "p").ErrorId);
        Assert.Equal(BpfErrorIds.NotLoaded, BpfErrorClassifier.ClassifyAttach(new BpfNotLoadedException("program 'p'"), "p").ErrorId);
    }
}
