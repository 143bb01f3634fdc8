namespace PSBpf.Engine.Native;

/// <summary>bpf(2) on BTF objects the kernel holds: their name, whether the kernel owns them, their raw bytes.</summary>
internal static unsafe partial class Bpf
{
    private const int BtfNameLength = 64; // module names are shorter (MODULE_NAME_LEN 56)

    /// <summary>BPF_OBJ_GET_INFO_BY_FD for a BTF object: id, name, whether it is the kernel's (vmlinux or a module), size.</summary>
    public static (uint Id, string Name, bool IsKernel, uint Size) BtfGetInfo(BpfFd btf)
    {
        var name = stackalloc byte[BtfNameLength];
        var info = new BtfInfo { name = (ulong)name, name_len = BtfNameLength };
        var attr = new ObjInfoAttr { bpf_fd = (uint)btf.Value, info_len = (uint)sizeof(BtfInfo), info = (ulong)&info };
        Call(BpfCommand.ObjGetInfoByFd, ref attr, "BPF_OBJ_GET_INFO_BY_FD (BTF)");
        return (info.id, NativeText.CString(new ReadOnlySpan<byte>(name, BtfNameLength)), info.kernel_btf != 0, info.btf_size);
    }

    /// <summary>The raw BTF bytes of a BTF object (for a module: split BTF on vmlinux).</summary>
    public static byte[] BtfGetData(BpfFd btf, uint size)
    {
        var data = new byte[size];
        fixed (byte* p = data)
        {
            var info = new BtfInfo { btf = (ulong)p, btf_size = size };
            var attr = new ObjInfoAttr { bpf_fd = (uint)btf.Value, info_len = (uint)sizeof(BtfInfo), info = (ulong)&info };
            Call(BpfCommand.ObjGetInfoByFd, ref attr, "BPF_OBJ_GET_INFO_BY_FD (BTF data)");
            return info.btf_size == size ? data : data.AsSpan(0, (int)Math.Min(info.btf_size, size)).ToArray();
        }
    }
}
