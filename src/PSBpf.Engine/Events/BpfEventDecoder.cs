using PSBpf.Engine.Btf;

namespace PSBpf.Engine;

/// <summary>
/// Decodes ring/perf buffer records as a named BTF type of the program's object (e.g. <c>struct event</c>) through
/// <see cref="BtfValueCodec"/>: structs become ordered dictionaries, char arrays strings.
/// </summary>
public sealed class BpfEventDecoder
{
    private readonly BtfSpec _btf;

    /// <summary>A decoder for type <paramref name="typeName"/> (a struct, union or typedef name) of <paramref name="btf"/>.</summary>
    /// <exception cref="KeyNotFoundException">No such type.</exception>
    public BpfEventDecoder(BtfSpec btf, string typeName)
    {
        ArgumentNullException.ThrowIfNull(btf);
        ArgumentException.ThrowIfNullOrEmpty(typeName);
        _btf = btf;
        // "struct event" and "event" both work: C programmers write the keyword, PowerShell users often leave it out.
        string name = typeName.Trim();
        BtfKind[] kinds = [BtfKind.Struct, BtfKind.Union, BtfKind.Typedef];
        foreach (var (prefix, kind) in new[] { ("struct ", BtfKind.Struct), ("union ", BtfKind.Union) })
        {
            if (name.StartsWith(prefix, StringComparison.Ordinal))
            {
                name = name[prefix.Length..].Trim();
                kinds = [kind];
            }
        }

        Type = kinds.Select(k => btf.FindByName(name, k)).FirstOrDefault(t => t is not null)
            ?? throw new KeyNotFoundException($"the object's BTF has no struct, union or typedef named '{typeName}'");
        Size = (int)btf.SizeOf(Type.Id);
    }

    /// <summary>
    /// A decoder for <paramref name="type"/> of <paramref name="btf"/>: e.g. a type of a <see cref="BtfCHeader"/>, for records
    /// whose type the object's BTF lacks (a struct only used through a local pointer is not in it).
    /// </summary>
    public BpfEventDecoder(BtfSpec btf, BtfType type)
    {
        ArgumentNullException.ThrowIfNull(btf);
        ArgumentNullException.ThrowIfNull(type);
        if (!ReferenceEquals(type.Owner, btf) && !ReferenceEquals(type.Owner, btf.Base)) throw new ArgumentException($"{type} is not a type of this BTF", nameof(type));
        _btf = btf;
        Type = type;
        Size = (int)btf.SizeOf(type.Id);
    }

    /// <summary>A decoder for the type <paramref name="typeName"/> of <paramref name="header"/> (<c>event</c>, <c>struct event</c>, a typedef).</summary>
    /// <exception cref="KeyNotFoundException">The header declares no such type.</exception>
    public static BpfEventDecoder FromHeader(BtfCHeader header, string typeName)
    {
        ArgumentNullException.ThrowIfNull(header);
        ArgumentException.ThrowIfNullOrEmpty(typeName);
        return new BpfEventDecoder(header.Btf, header.Find(typeName) ?? throw new KeyNotFoundException($"the C declarations have no struct, union, enum or typedef named '{typeName}'"));
    }

    /// <summary>The BTF type records are decoded as.</summary>
    public BtfType Type { get; }

    /// <summary>Bytes of the type; records may be longer (perf buffers pad them) but not shorter.</summary>
    public int Size { get; }

    /// <summary>A decoder for records of <paramref name="map"/>, looking the type up in the BTF of the map's object.</summary>
    /// <exception cref="KeyNotFoundException">The object has no BTF, or no such type.</exception>
    public static BpfEventDecoder ForMap(BpfMap map, string typeName)
    {
        ArgumentNullException.ThrowIfNull(map);
        var btf = map.Btf ?? throw new KeyNotFoundException($"the object of map '{map.Name}' has no BTF to find type '{typeName}' in");
        return new BpfEventDecoder(btf, typeName);
    }

    /// <summary>Decodes one record (an ordered dictionary for structs and unions).</summary>
    /// <exception cref="BpfValueException">The record is shorter than the type.</exception>
    public object? Decode(ReadOnlySpan<byte> record) => BtfValueCodec.Decode(_btf, Type.Id, record);

    /// <summary>Decodes one record, building structs through <paramref name="factory"/> (a host's own shape, in one pass).</summary>
    public object? Decode(ReadOnlySpan<byte> record, BtfValueFactory factory) => BtfValueCodec.Decode(_btf, Type.Id, record, factory);
}
