namespace PSBpf.Engine.Btf;

/// <summary>One bpf_line_info record.</summary>
/// <param name="InstructionOffset">Instruction index within the section (or program once relocated).</param>
/// <param name="FileNameOffset">BTF string offset of the source file name.</param>
/// <param name="LineOffset">BTF string offset of the source line text.</param>
/// <param name="LineColumn">line_col: line number &lt;&lt; 10 | column.</param>
public sealed record BtfLineInfo(int InstructionOffset, uint FileNameOffset, uint LineOffset, uint LineColumn)
{
    /// <summary>Source line number.</summary>
    public uint Line => LineColumn >> 10;
    /// <summary>Source column.</summary>
    public uint Column => LineColumn & 0x3ff;
}
