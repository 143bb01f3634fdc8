namespace PSBpf.Engine;

/// <summary>The object was compiled for the other byte order than this host's.</summary>
public sealed class BpfByteOrderException : BpfFormatException
{
    /// <summary>Creates the exception for <paramref name="file"/>.</summary>
    public BpfByteOrderException(string? file, bool objectIsBigEndian)
        : base(file, null, 5, $"object is {(objectIsBigEndian ? "big" : "little")}-endian but this host is {(BitConverter.IsLittleEndian ? "little" : "big")}-endian (the other byte order); rebuild it with -target {(BitConverter.IsLittleEndian ? "bpfel" : "bpfeb")} or plain -target bpf")
    {
        ObjectIsBigEndian = objectIsBigEndian;
    }

    /// <summary>True when the object is big-endian.</summary>
    public bool ObjectIsBigEndian { get; }
}
