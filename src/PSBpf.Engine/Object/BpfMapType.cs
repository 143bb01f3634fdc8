namespace PSBpf.Engine;

/// <summary>BPF map types (enum bpf_map_type).</summary>
/// <remarks>Member names are bpftool's spellings, so <c>Where-Object Type -eq percpu_array</c> works in PowerShell; values are the kernel's <c>enum bpf_map_type</c>.</remarks>
#pragma warning disable CA1707 // bpftool's names contain underscores on purpose
// 64-bit so that PowerShell's ConvertTo-Json writes the name, not the number (see docs/json-examples.md).
public enum BpfMapType : ulong
{
    /// <summary>unspec = 0.</summary>
    unspec = 0,
    /// <summary>hash = 1.</summary>
    hash = 1,
    /// <summary>array = 2.</summary>
    array = 2,
    /// <summary>prog_array = 3.</summary>
    prog_array = 3,
    /// <summary>perf_event_array = 4.</summary>
    perf_event_array = 4,
    /// <summary>percpu_hash = 5.</summary>
    percpu_hash = 5,
    /// <summary>percpu_array = 6.</summary>
    percpu_array = 6,
    /// <summary>stack_trace = 7.</summary>
    stack_trace = 7,
    /// <summary>cgroup_array = 8.</summary>
    cgroup_array = 8,
    /// <summary>lru_hash = 9.</summary>
    lru_hash = 9,
    /// <summary>lru_percpu_hash = 10.</summary>
    lru_percpu_hash = 10,
    /// <summary>lpm_trie = 11.</summary>
    lpm_trie = 11,
    /// <summary>array_of_maps = 12.</summary>
    array_of_maps = 12,
    /// <summary>hash_of_maps = 13.</summary>
    hash_of_maps = 13,
    /// <summary>devmap = 14.</summary>
    devmap = 14,
    /// <summary>sockmap = 15.</summary>
    sockmap = 15,
    /// <summary>cpumap = 16.</summary>
    cpumap = 16,
    /// <summary>xskmap = 17.</summary>
    xskmap = 17,
    /// <summary>sockhash = 18.</summary>
    sockhash = 18,
    /// <summary>cgroup_storage = 19.</summary>
    cgroup_storage = 19,
    /// <summary>reuseport_sockarray = 20.</summary>
    reuseport_sockarray = 20,
    /// <summary>percpu_cgroup_storage = 21.</summary>
    percpu_cgroup_storage = 21,
    /// <summary>queue = 22.</summary>
    queue = 22,
    /// <summary>stack = 23.</summary>
    stack = 23,
    /// <summary>sk_storage = 24.</summary>
    sk_storage = 24,
    /// <summary>devmap_hash = 25.</summary>
    devmap_hash = 25,
    /// <summary>struct_ops = 26.</summary>
    struct_ops = 26,
    /// <summary>ringbuf = 27.</summary>
    ringbuf = 27,
    /// <summary>inode_storage = 28.</summary>
    inode_storage = 28,
    /// <summary>task_storage = 29.</summary>
    task_storage = 29,
    /// <summary>bloom_filter = 30.</summary>
    bloom_filter = 30,
    /// <summary>user_ringbuf = 31.</summary>
    user_ringbuf = 31,
    /// <summary>cgrp_storage = 32.</summary>
    cgrp_storage = 32,
    /// <summary>arena = 33.</summary>
    arena = 33,
}
#pragma warning restore CA1707
