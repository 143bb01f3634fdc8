using PSBpf.Engine.Native;

namespace PSBpf.Engine;

/// <summary>
/// A registered struct_ops map (e.g. a TCP congestion control). For SEC(".struct_ops.link") maps it is a kernel
/// struct_ops link; for SEC(".struct_ops") maps the registration is the map's value itself, and detaching deletes it
/// (libbpf's bpf_map__attach_struct_ops).
/// </summary>
public sealed class StructOpsLink : BpfLink
{
    private readonly bool _isLink;

    private StructOpsLink(BpfMap map, BpfFd fd, bool isLink, string target) : base(map, fd, target) => _isLink = isLink;

    /// <inheritdoc />
    public override string Kind => "struct_ops";
    private protected override bool IsKernelLink => _isLink;

    internal static unsafe StructOpsLink Attach(BpfMap map)
    {
        if (map.StructOps is not { } ops)
        {
            throw new InvalidOperationException($"map '{map.Name}' is a {map.Type} map; only struct_ops maps attach this way");
        }

        var mapFd = map.LoadedFd();
        var value = ops.KernelValue ?? throw new BpfNotLoadedException($"struct_ops map '{map.Name}'");
        bool isLink = (map.Flags & BpfMapFlags.Link) != 0;
        string target = $"struct_ops {ops.Type.Name} '{map.Name}'";
        uint zero = 0;
        try
        {
            fixed (byte* v = value)
            {
                Bpf.MapUpdateElem(mapFd, &zero, v, 0, $"struct_ops map '{map.Name}' (registering {ops.Type.Name})");
            }
        }
        catch (BpfSyscallException e) when (isLink && e.Errno == Errno.EBUSY)
        {
            // a link map's value is written once; a second attach reuses it (as libbpf does)
        }
        catch (BpfSyscallException e) when (e.Errno == Errno.EBUSY)
        {
            throw new BpfSyscallException(e.Command ?? BpfCommand.MapUpdateElem, e.Operation, e.Errno,
                "a SEC(\".struct_ops\") map registers once: it is registered now, or was and has been unregistered; load the object again to register anew (SEC(\".struct_ops.link\") maps can attach again)");
        }

        if (!isLink)
        {
            try
            {
                return new StructOpsLink(map, LibC.Duplicate(mapFd.Value, $"struct_ops map '{map.Name}'"), false, target);
            }
            catch
            {
                _ = Bpf.TryMapDeleteElem(mapFd, &zero); // nothing would be left to unregister it
                throw;
            }
        }

        var attr = new LinkCreateAttr { prog_fd = (uint)mapFd.Value, attach_type = (uint)BpfAttachType.struct_ops };
        return new StructOpsLink(map, Bpf.LinkCreate(ref attr, target), true, target);
    }

    /// <inheritdoc />
    protected override unsafe void Dispose(bool disposing)
    {
        if (disposing && !_isLink && !Fd.IsClosed)
        {
            // unregister (the map may outlive us); the kernel's EINPROGRESS/ENOENT mean someone else already did, and
            // a dispose must close our fd whatever the kernel says, as libbpf's bpf_link__destroy frees the link
            uint zero = 0;
            _ = Bpf.TryMapDeleteElem(Fd, &zero);
        }

        base.Dispose(disposing);
    }
}
