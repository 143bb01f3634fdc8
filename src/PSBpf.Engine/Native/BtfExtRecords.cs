using System.Buffers.Binary;
using PSBpf.Engine.Btf;

namespace PSBpf.Engine.Native;

/// <summary>The func_info and line_info arrays BPF_PROG_LOAD takes (struct bpf_func_info, struct bpf_line_info).</summary>
internal static class BtfExtRecords
{
    /// <summary>sizeof(struct bpf_func_info): insn_off, type_id.</summary>
    public const uint FuncInfoSize = 8;
    /// <summary>sizeof(struct bpf_line_info): insn_off, file_name_off, line_off, line_col.</summary>
    public const uint LineInfoSize = 16;

    /// <summary>The func_info array; never empty, so a pointer to it can always be taken (the count says how many).</summary>
    public static byte[] FuncInfo(IReadOnlyList<BtfFuncInfo> records)
    {
        var bytes = new byte[Math.Max(1, records.Count * (int)FuncInfoSize)];
        for (int i = 0; i < records.Count; i++)
        {
            var span = bytes.AsSpan(i * (int)FuncInfoSize);
            BinaryPrimitives.WriteUInt32LittleEndian(span, (uint)records[i].InstructionOffset);
            BinaryPrimitives.WriteUInt32LittleEndian(span[4..], records[i].TypeId);
        }

        return bytes;
    }

    /// <summary>The line_info array; never empty, as <see cref="FuncInfo"/>.</summary>
    public static byte[] LineInfo(IReadOnlyList<BtfLineInfo> records)
    {
        var bytes = new byte[Math.Max(1, records.Count * (int)LineInfoSize)];
        for (int i = 0; i < records.Count; i++)
        {
            var span = bytes.AsSpan(i * (int)LineInfoSize);
            BinaryPrimitives.WriteUInt32LittleEndian(span, (uint)records[i].InstructionOffset);
            BinaryPrimitives.WriteUInt32LittleEndian(span[4..], records[i].FileNameOffset);
            BinaryPrimitives.WriteUInt32LittleEndian(span[8..], records[i].LineOffset);
            BinaryPrimitives.WriteUInt32LittleEndian(span[12..], records[i].LineColumn);
        }

        return bytes;
    }
}
