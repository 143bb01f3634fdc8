namespace PSBpf.Engine;

/// <summary>
/// A batch update or delete stopped part way: the elements before <see cref="FailedIndex"/> were applied, the one at
/// <see cref="FailedIndex"/> (key <see cref="FailedKey"/>) failed with <see cref="BpfSyscallException.ErrorName"/>, the rest were not tried.
/// </summary>
public sealed class BpfMapBatchException : BpfSyscallException
{
    /// <summary>Creates the exception.</summary>
    public BpfMapBatchException(BpfCommand command, string operation, string mapName, int failedIndex, byte[] failedKey, int errno, string? explanation)
        : base(command, $"{operation} on map '{mapName}' stopped at element {failedIndex} (key {Convert.ToHexString(failedKey)}); {failedIndex} applied before it", errno, explanation)
    {
        MapName = mapName;
        FailedIndex = failedIndex;
        FailedKey = failedKey;
    }

    /// <summary>The map.</summary>
    public string MapName { get; }
    /// <summary>Index of the element that failed; also the number applied before it.</summary>
    public int FailedIndex { get; }
    /// <summary>Key bytes of the element that failed.</summary>
    public byte[] FailedKey { get; }
}
