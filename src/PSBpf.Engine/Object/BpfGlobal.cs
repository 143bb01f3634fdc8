using PSBpf.Engine.Btf;

namespace PSBpf.Engine;

/// <summary>
/// A non-static global variable of a data section (.data, .bss, .rodata, .data.*, .rodata.*): its BTF type and value.
/// Before load the value lives in the map's initial image; set it to change what the program starts with.
/// </summary>
public sealed class BpfGlobal
{
    internal BpfGlobal(BpfMap map, string name, uint varTypeId, uint typeId, int offset, int size)
    {
        Map = map;
        Name = name;
        VarTypeId = varTypeId;
        TypeId = typeId;
        Offset = offset;
        Size = size;
    }

    /// <summary>Variable name.</summary>
    public string Name { get; }
    /// <summary>The data map that holds it.</summary>
    public BpfMap Map { get; }
    /// <summary>ELF section name (e.g. ".bss").</summary>
    public string Section => Map.SectionName;
    /// <summary>BTF id of the VAR.</summary>
    public uint VarTypeId { get; }
    /// <summary>BTF id of the variable's type.</summary>
    public uint TypeId { get; }
    /// <summary>The variable's BTF type.</summary>
    public BtfType Type => Map.Object!.Btf![TypeId];
    /// <summary>Byte offset in the section.</summary>
    public int Offset { get; }
    /// <summary>Size in bytes.</summary>
    public int Size { get; }
    /// <summary>True for variables in .rodata*, which are frozen at load.</summary>
    public bool IsReadOnly => Map.IsReadOnly;

    /// <summary>
    /// The value decoded through BTF (numbers, bool, enum names, strings for char arrays, ordered dictionaries for structs).
    /// Setting encodes through BTF; a <see cref="BpfValueException"/> names the field that does not fit.
    /// </summary>
    public object? Value
    {
        get => BtfValueCodec.Decode(Map.Object!.Btf!, TypeId, GetBytes());
        set
        {
            var copy = GetBytes();
            BtfValueCodec.Encode(Map.Object!.Btf!, TypeId, value, copy, Name);
            Map.Object!.WriteGlobal(Map, Offset, copy);
        }
    }

    /// <summary>The raw bytes of the variable.</summary>
    public byte[] GetBytes() => Map.Object!.GlobalImage(Map).Slice(Offset, Size).ToArray();

    /// <summary>Overwrites the raw bytes (length must equal <see cref="Size"/>).</summary>
    public void SetBytes(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length != Size)
        {
            throw new BpfValueException(Name, $"{bytes.Length} bytes given for a {Size}-byte variable");
        }

        Map.Object!.WriteGlobal(Map, Offset, bytes);
    }

    /// <inheritdoc />
    public override string ToString() => $"{Name} = {Value}";
}
