using PSBpf.Engine;
using PSBpf.Errors;

namespace PSBpf.Module.Tests;

/// <summary>The error ids of pin failures (Add-BpfAttachment -PinPath, Get-BpfLink/Remove-BpfAttachment -PinnedPath).</summary>
public sealed class LinkPinErrorClassifierTests
{
    [Theory]
    [InlineData(BpfPinFailure.NotOnBpffs, BpfErrorIds.PinPathInvalid, BpfErrorCategory.InvalidArgument)]
    [InlineData(BpfPinFailure.DirectoryMissing, BpfErrorIds.PinPathInvalid, BpfErrorCategory.InvalidArgument)]
    [InlineData(BpfPinFailure.AlreadyExists, BpfErrorIds.PinExists, BpfErrorCategory.ResourceExists)]
    [InlineData(BpfPinFailure.AlreadyPinned, BpfErrorIds.PinExists, BpfErrorCategory.ResourceExists)]
    [InlineData(BpfPinFailure.NotFound, BpfErrorIds.PinNotFound, BpfErrorCategory.ObjectNotFound)]
    [InlineData(BpfPinFailure.NotALink, BpfErrorIds.PinNotALink, BpfErrorCategory.InvalidArgument)]
    [InlineData(BpfPinFailure.NotPinnable, BpfErrorIds.LinkNotPinnable, BpfErrorCategory.InvalidOperation)]
    [InlineData(BpfPinFailure.NotAttached, BpfErrorIds.LinkNotPinnable, BpfErrorCategory.InvalidOperation)]
    public void Each_pin_failure_has_its_id_and_names_the_path(BpfPinFailure failure, string id, BpfErrorCategory category)
    {
        var e = new BpfPinException("/sys/fs/bpf/x/link", failure, "why");
        var info = BpfErrorClassifier.Classify(e);
        Assert.Equal((id, category), (info.ErrorId, info.Category));
        Assert.Contains("/sys/fs/bpf/x/link", info.Message, StringComparison.Ordinal);

        // while attaching, the pin's id is kept and the program is named
        var attach = BpfErrorClassifier.ClassifyAttach(e, "handle_tp");
        Assert.Equal(id, attach.ErrorId);
        Assert.StartsWith("Cannot pin the link of program 'handle_tp': ", attach.Message, StringComparison.Ordinal);
    }
}
