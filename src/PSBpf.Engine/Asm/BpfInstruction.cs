using System.Buffers.Binary;

namespace PSBpf.Engine.Asm;

/// <summary>One 8-byte BPF instruction slot (struct bpf_insn). A 64-bit immediate load occupies two slots.</summary>
/// <param name="Opcode">code: class | size/source | mode/op.</param>
/// <param name="Destination">dst_reg (0-10).</param>
/// <param name="Source">src_reg (0-10, or a pseudo value for calls and ld_imm64).</param>
/// <param name="Offset">off.</param>
/// <param name="Immediate">imm.</param>
public readonly record struct BpfInstruction(byte Opcode, byte Destination, byte Source, short Offset, int Immediate)
{
    /// <summary>Size of one slot in bytes.</summary>
    public const int Size = 8;
    /// <summary>BPF_LD | BPF_IMM | BPF_DW.</summary>
    public const byte LoadImm64Opcode = 0x18;
    /// <summary>BPF_JMP | BPF_CALL.</summary>
    public const byte CallOpcode = 0x85;
    /// <summary>BPF_JMP | BPF_EXIT.</summary>
    public const byte ExitOpcode = 0x95;
    /// <summary>src_reg of a bpf-to-bpf call (BPF_PSEUDO_CALL).</summary>
    public const byte PseudoCall = 1;
    /// <summary>src_reg of a kfunc call (BPF_PSEUDO_KFUNC_CALL).</summary>
    public const byte PseudoKfuncCall = 2;

    /// <summary>Instruction class (low 3 bits of the opcode).</summary>
    public byte Class => (byte)(Opcode & 0x07);
    /// <summary>True for the first slot of ld_imm64.</summary>
    public bool IsLoadImm64 => Opcode == LoadImm64Opcode;
    /// <summary>True for any call (helper, bpf-to-bpf, kfunc).</summary>
    public bool IsCall => Opcode == CallOpcode;
    /// <summary>True for a bpf-to-bpf call.</summary>
    public bool IsPseudoCall => Opcode == CallOpcode && Source == PseudoCall;
    /// <summary>True for exit.</summary>
    public bool IsExit => Opcode == ExitOpcode;

    /// <summary>Decodes one slot; <paramref name="bigEndian"/> selects the register nibble order and field byte order.</summary>
    public static BpfInstruction Decode(ReadOnlySpan<byte> slot, bool bigEndian = false)
    {
        byte regs = slot[1];
        return bigEndian
            ? new BpfInstruction(slot[0], (byte)(regs >> 4), (byte)(regs & 0xf), BinaryPrimitives.ReadInt16BigEndian(slot[2..]), BinaryPrimitives.ReadInt32BigEndian(slot[4..]))
            : new BpfInstruction(slot[0], (byte)(regs & 0xf), (byte)(regs >> 4), BinaryPrimitives.ReadInt16LittleEndian(slot[2..]), BinaryPrimitives.ReadInt32LittleEndian(slot[4..]));
    }

    /// <summary>Decodes a sequence of slots (length must be a multiple of 8).</summary>
    public static BpfInstruction[] DecodeAll(ReadOnlySpan<byte> code, bool bigEndian = false)
    {
        var result = new BpfInstruction[code.Length / Size];
        for (int i = 0; i < result.Length; i++)
        {
            result[i] = Decode(code.Slice(i * Size, Size), bigEndian);
        }

        return result;
    }

    /// <summary>Encodes this slot in host (little-endian) layout.</summary>
    public void Encode(Span<byte> slot)
    {
        slot[0] = Opcode;
        slot[1] = (byte)((Destination & 0xf) | (Source << 4));
        BinaryPrimitives.WriteInt16LittleEndian(slot[2..], Offset);
        BinaryPrimitives.WriteInt32LittleEndian(slot[4..], Immediate);
    }

    /// <inheritdoc />
    public override string ToString() => $"code=0x{Opcode:x2} dst=r{Destination} src=r{Source} off={Offset} imm={Immediate}";
}
