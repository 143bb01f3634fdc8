namespace PSBpf.Engine;

/// <summary>The bpf(2) commands (enum bpf_cmd), as <see cref="BpfSyscallException.Command"/> names the one that failed.</summary>
// 64-bit so that PowerShell's ConvertTo-Json writes the name, not the number (see docs/json-examples.md).
public enum BpfCommand : ulong
{
    /// <summary>BPF_MAP_CREATE.</summary>
    MapCreate = 0,
    /// <summary>BPF_MAP_LOOKUP_ELEM.</summary>
    MapLookupElem = 1,
    /// <summary>BPF_MAP_UPDATE_ELEM.</summary>
    MapUpdateElem = 2,
    /// <summary>BPF_MAP_DELETE_ELEM.</summary>
    MapDeleteElem = 3,
    /// <summary>BPF_MAP_GET_NEXT_KEY.</summary>
    MapGetNextKey = 4,
    /// <summary>BPF_PROG_LOAD.</summary>
    ProgLoad = 5,
    /// <summary>BPF_OBJ_PIN.</summary>
    ObjPin = 6,
    /// <summary>BPF_OBJ_GET.</summary>
    ObjGet = 7,
    /// <summary>BPF_PROG_ATTACH.</summary>
    ProgAttach = 8,
    /// <summary>BPF_PROG_DETACH.</summary>
    ProgDetach = 9,
    /// <summary>BPF_PROG_TEST_RUN.</summary>
    ProgTestRun = 10,
    /// <summary>BPF_PROG_GET_NEXT_ID.</summary>
    ProgGetNextId = 11,
    /// <summary>BPF_MAP_GET_NEXT_ID.</summary>
    MapGetNextId = 12,
    /// <summary>BPF_PROG_GET_FD_BY_ID.</summary>
    ProgGetFdById = 13,
    /// <summary>BPF_MAP_GET_FD_BY_ID.</summary>
    MapGetFdById = 14,
    /// <summary>BPF_OBJ_GET_INFO_BY_FD.</summary>
    ObjGetInfoByFd = 15,
    /// <summary>BPF_PROG_QUERY.</summary>
    ProgQuery = 16,
    /// <summary>BPF_RAW_TRACEPOINT_OPEN.</summary>
    RawTracepointOpen = 17,
    /// <summary>BPF_BTF_LOAD.</summary>
    BtfLoad = 18,
    /// <summary>BPF_BTF_GET_FD_BY_ID.</summary>
    BtfGetFdById = 19,
    /// <summary>BPF_TASK_FD_QUERY.</summary>
    TaskFdQuery = 20,
    /// <summary>BPF_MAP_LOOKUP_AND_DELETE_ELEM.</summary>
    MapLookupAndDeleteElem = 21,
    /// <summary>BPF_MAP_FREEZE.</summary>
    MapFreeze = 22,
    /// <summary>BPF_BTF_GET_NEXT_ID.</summary>
    BtfGetNextId = 23,
    /// <summary>BPF_MAP_LOOKUP_BATCH.</summary>
    MapLookupBatch = 24,
    /// <summary>BPF_MAP_LOOKUP_AND_DELETE_BATCH.</summary>
    MapLookupAndDeleteBatch = 25,
    /// <summary>BPF_MAP_UPDATE_BATCH.</summary>
    MapUpdateBatch = 26,
    /// <summary>BPF_MAP_DELETE_BATCH.</summary>
    MapDeleteBatch = 27,
    /// <summary>BPF_LINK_CREATE.</summary>
    LinkCreate = 28,
    /// <summary>BPF_LINK_UPDATE.</summary>
    LinkUpdate = 29,
    /// <summary>BPF_LINK_GET_FD_BY_ID.</summary>
    LinkGetFdById = 30,
    /// <summary>BPF_LINK_GET_NEXT_ID.</summary>
    LinkGetNextId = 31,
    /// <summary>BPF_ENABLE_STATS.</summary>
    EnableStats = 32,
    /// <summary>BPF_ITER_CREATE.</summary>
    IterCreate = 33,
    /// <summary>BPF_LINK_DETACH.</summary>
    LinkDetach = 34,
    /// <summary>BPF_PROG_BIND_MAP.</summary>
    ProgBindMap = 35,
}
