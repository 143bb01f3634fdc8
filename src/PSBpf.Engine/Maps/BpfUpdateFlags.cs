namespace PSBpf.Engine;

/// <summary>BPF_MAP_UPDATE_ELEM flags.</summary>
public enum BpfUpdateFlags : ulong
{
    /// <summary>BPF_ANY: create or replace.</summary>
    Any = 0,
    /// <summary>BPF_NOEXIST: create only; fails if the key exists.</summary>
    NoExist = 1,
    /// <summary>BPF_EXIST: replace only; fails if the key does not exist.</summary>
    Exist = 2,
    /// <summary>BPF_F_LOCK: update under the value's bpf_spin_lock.</summary>
    Lock = 4,
}
