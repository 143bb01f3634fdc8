namespace PSBpf.Engine.Native;

/// <summary>BPF_BTF_GET_FD_BY_ID and BPF_OBJ_GET_INFO_BY_FD on a BTF object: the raw BTF a loaded map refers to.</summary>
internal static partial class Bpf
{
    /// <summary>The raw BTF of kernel BTF object <paramref name="btfId"/>, its name, and whether it is kernel (vmlinux/module) BTF.</summary>
    /// <exception cref="KeyNotFoundException">No BTF object has that id.</exception>
    public static (byte[] Data, string Name, bool IsKernel) BtfGetData(uint btfId)
    {
        using var fd = GetFdById(BpfCommand.BtfGetFdById, btfId) ?? throw new KeyNotFoundException($"no BTF object has id {btfId}");
        var info = BtfGetInfo(fd); // the first call reports the size; the second copies that many bytes
        return (BtfGetData(fd, info.Size), info.Name, info.IsKernel);
    }
}
