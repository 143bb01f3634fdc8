namespace PSBpf.Engine;

/// <summary>BPF_MAP_CREATE map_flags bits the loader sets or checks.</summary>
public static class BpfMapFlags
{
    /// <summary>BPF_F_NO_PREALLOC.</summary>
    public const uint NoPrealloc = 1u << 0;
    /// <summary>BPF_F_RDONLY_PROG: programs cannot write (.rodata, .kconfig).</summary>
    public const uint ReadOnlyProgram = 1u << 7;
    /// <summary>BPF_F_MMAPABLE: user space can mmap the value (global-data maps).</summary>
    public const uint Mmapable = 1u << 10;
    /// <summary>BPF_F_LINK: a struct_ops map registered through a struct_ops link (SEC(".struct_ops.link")).</summary>
    public const uint Link = 1u << 13;
    /// <summary>BPF_F_VTYPE_BTF_OBJ_FD: a struct_ops map's value type comes from the module BTF in value_type_btf_obj_fd.</summary>
    public const uint ValueTypeBtfObjFd = 1u << 15;
}
