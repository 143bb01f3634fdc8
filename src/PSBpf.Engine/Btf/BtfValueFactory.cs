using System.Collections.Specialized;

namespace PSBpf.Engine.Btf;

/// <summary>
/// How <see cref="BtfValueCodec"/> builds the values of structs, unions and DATASECs as it decodes, so a host can get its
/// own shape in one pass (the PowerShell module builds ordered PSCustomObjects) instead of converting a finished tree.
/// Scalars, strings and arrays are the codec's own (arrays are object arrays of what the factory built).
/// </summary>
public class BtfValueFactory
{
    /// <summary>The codec's own shape: each record is the ordered dictionary of its members.</summary>
    public static BtfValueFactory Default { get; } = new();

    /// <summary>Builds one record from its decoded members, in declaration order (anonymous members already inlined).</summary>
    /// <param name="members">Member name to decoded value; the factory may keep it or copy from it.</param>
    public virtual object Record(OrderedDictionary members) => members;
}
