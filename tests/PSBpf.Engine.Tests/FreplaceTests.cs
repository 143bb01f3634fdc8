namespace PSBpf.Engine.Tests;

/// <summary>
/// freplace: a program that replaces a global function of another loaded program. The target is resolved in that
/// program's BTF at load (attach_prog_fd + the FUNC's id), as libbpf's bpf_program__set_attach_target does. Kernels
/// without BPF trampolines refuse the load (EPERM); where they have them, the replaced verdict shows in a test run
/// of the target until the link is disposed.
/// </summary>
[Collection(KernelCollection.Name)]
public sealed class FreplaceTests
{
    private static readonly byte[] Frame = TestPackets.Udp(9);

    [FactWhereKernelHas(KernelFeature.Trampolines)]
    public void Freplace_ReplacesAFunctionOfItsTargetWhereSupported()
    {
        int before = KernelObjects.BpfHandles();
        using (var target = BpfObject.Open(Fixtures.Object("freplace_target")))
        using (var obj = BpfObject.Open(Fixtures.Object("freplace")))
        {
            var (xdp, drop) = Aim(target, obj);
            obj.Load();
            using (var link = Assert.IsType<TracingLink>(drop.Attach()))
            {
                Assert.Equal(BpfLinkType.tracing, Counters.KernelLink(link).Type);
                Assert.Equal("XDP_DROP", xdp.Run(new BpfRunOptions { Data = Frame }).Action);
            }

            Assert.Equal("XDP_PASS", xdp.Run(new BpfRunOptions { Data = Frame }).Action);
        }

        Assert.Equal(before, KernelObjects.BpfHandles());
    }

    [FactWhereKernelLacks(KernelFeature.Trampolines)]
    public void Freplace_RefusedWithoutTrampolines()
    {
        int before = KernelObjects.BpfHandles();
        using (var target = BpfObject.Open(Fixtures.Object("freplace_target")))
        using (var obj = BpfObject.Open(Fixtures.Object("freplace")))
        {
            var (xdp, drop) = Aim(target, obj);
            // the target resolved (a wrong one fails before the kernel sees it, see below); the kernel has no trampolines
            var e = Assert.Throws<BpfSyscallException>(() => obj.Load());
            UnsupportedLinkTests.AssertRefusedForTrampolines(e);
            Assert.Contains("'drop_all'", e.Message, StringComparison.Ordinal);
            Assert.Null(drop.Id);
            Assert.False(obj.IsLoaded);
            Assert.Equal("XDP_PASS", xdp.Run(new BpfRunOptions { Data = Frame }).Action); // the target is untouched
        }

        Assert.Equal(before, KernelObjects.BpfHandles());
    }

    /// <summary>Loads the target and points the freplace program at its decide(): what both outcomes start from.</summary>
    private static (BpfProgram Xdp, BpfProgram Drop) Aim(BpfObject target, BpfObject obj)
    {
        target.Load();
        var xdp = target.Programs["xdp_decide"];
        Assert.Equal("XDP_PASS", xdp.Run(new BpfRunOptions { Data = Frame }).Action);
        var drop = obj.Programs["drop_all"];
        Assert.Equal(BpfProgramType.ext, drop.Type);
        Assert.Equal("decide", drop.AttachTarget);
        drop.SetAttachTarget(xdp);
        Assert.Equal(xdp.Id, drop.AttachProgramId);
        Assert.True(drop.CanAutoAttach);
        return (xdp, drop);
    }

    [Fact]
    public void Freplace_load_names_a_missing_or_wrong_target()
    {
        int before = KernelObjects.BpfHandles();
        using (var target = BpfObject.Open(Fixtures.Object("freplace_target")))
        {
            using (var none = BpfObject.Open(Fixtures.Object("freplace")))
            {
                var e = Assert.Throws<BpfLoadException>(() => none.Load());
                Assert.Contains("program 'drop_all'", e.Message, StringComparison.Ordinal);
                Assert.Contains("freplace programs need a target program", e.Message, StringComparison.Ordinal);
            }

            using (var early = BpfObject.Open(Fixtures.Object("freplace")))
            {
                early.Programs["drop_all"].SetAttachTarget(target.Programs["xdp_decide"]);
                Assert.Contains("'xdp_decide' is not loaded", Assert.Throws<BpfLoadException>(() => early.Load()).Message, StringComparison.Ordinal);
            }

            target.Load();
            uint id = target.Programs["xdp_decide"].Id!.Value;
            using (var wrong = BpfObject.Open(Fixtures.Object("freplace")))
            {
                wrong.Programs["drop_all"].SetAttachTarget(id, "no_such_function");
                var e = Assert.Throws<BpfLoadException>(() => wrong.Load());
                Assert.Contains($"target program 'xdp_decide' (id {id}) has no function 'no_such_function'", e.Message, StringComparison.Ordinal);
                Assert.Null(wrong.Programs["drop_all"].Id);
            }

            using (var gone = BpfObject.Open(Fixtures.Object("freplace")))
            {
                gone.Programs["drop_all"].SetAttachTarget(uint.MaxValue);
                Assert.Contains($"target program id {uint.MaxValue} is not in the kernel", Assert.Throws<BpfLoadException>(() => gone.Load()).Message, StringComparison.Ordinal);
            }

            using var loaded = BpfObject.Open(Fixtures.Object("minimal"));
            loaded.Load();
            Assert.Throws<InvalidOperationException>(() => loaded.Programs[0].SetAttachTarget(id));
        }

        Assert.Equal(before, KernelObjects.BpfHandles());
    }
}
