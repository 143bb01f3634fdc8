namespace PSBpf.Engine.Native;

/// <summary>BPF_BTF_GET_FD_BY_ID and BPF_OBJ_GET_INFO_BY_FD on a BTF object: the raw BTF a loaded map refers to.</summary>
internal static unsafe partial class Bpf
{
    /// <summary>The raw BTF of kernel BTF object <paramref name="btfId"/>, its name, and whether it is kernel (vmlinux/module) BTF.</summary>
    /// <exception cref="KeyNotFoundException">No BTF object has that id.</exception>
    public static (byte[] Data, string Name, bool IsKernel) BtfGetData(uint btfId)
    {
        using var fd = GetFdById(BpfCommand.BtfGetFdById, btfId) ?? throw new KeyNotFoundException($"no BTF object has id {btfId}");
        var name = new byte[64];
        var first = default(BtfInfo);
        fixed (byte* n = name)
        {
            first.name = (ulong)n;
            first.name_len = (uint)name.Length;
            var attr = new ObjInfoAttr { bpf_fd = (uint)fd.Value, info_len = (uint)sizeof(BtfInfo), info = (ulong)&first };
            Call(BpfCommand.ObjGetInfoByFd, ref attr, $"BPF_OBJ_GET_INFO_BY_FD (BTF id {btfId})");
        }

        // the first call reports the size; the second copies that many bytes
        var data = new byte[first.btf_size];
        fixed (byte* d = data)
        {
            var second = new BtfInfo { btf = (ulong)d, btf_size = (uint)data.Length };
            var attr = new ObjInfoAttr { bpf_fd = (uint)fd.Value, info_len = (uint)sizeof(BtfInfo), info = (ulong)&second };
            Call(BpfCommand.ObjGetInfoByFd, ref attr, $"BPF_OBJ_GET_INFO_BY_FD (BTF id {btfId} data)");
        }

        int len = Array.IndexOf(name, (byte)0);
        return (data, global::System.Text.Encoding.UTF8.GetString(name, 0, len < 0 ? name.Length : len), first.kernel_btf != 0);
    }
}
