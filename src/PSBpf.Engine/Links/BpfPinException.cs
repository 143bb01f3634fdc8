namespace PSBpf.Engine;

/// <summary>Pinning, unpinning or opening a pinned object failed; names the path and says why.</summary>
public sealed class BpfPinException : InvalidOperationException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="path">The pin path at fault.</param>
    /// <param name="failure">Why.</param>
    /// <param name="detail">Words for people, without the path (the message adds it).</param>
    /// <param name="inner">The syscall error behind it, if any.</param>
    public BpfPinException(string path, BpfPinFailure failure, string detail, Exception? inner = null)
        : base($"pin {path}: {detail}", inner)
    {
        PinPath = path;
        Failure = failure;
    }

    /// <summary>The pin path at fault.</summary>
    public string PinPath { get; }
    /// <summary>Why it failed.</summary>
    public BpfPinFailure Failure { get; }
}
