namespace PSBpf.Engine.Asm;

/// <summary>Field values of the BPF opcode byte (linux/bpf_common.h, linux/bpf.h), for decoding.</summary>
internal static class BpfOpcode
{
    public const int ClassLd = 0x00, ClassLdx = 0x01, ClassSt = 0x02, ClassStx = 0x03;
    public const int ClassAlu = 0x04, ClassJmp = 0x05, ClassJmp32 = 0x06, ClassAlu64 = 0x07;

    public const int SizeW = 0x00, SizeH = 0x08, SizeB = 0x10, SizeDw = 0x18;
    public const int ModeImm = 0x00, ModeAbs = 0x20, ModeInd = 0x40, ModeMem = 0x60, ModeMemSx = 0x80, ModeAtomic = 0xc0;
    public const int ModeNoSpec = 0xc0; // BPF_ST | 0xc0: the kernel's internal speculation barrier

    public const int SourceX = 0x08;

    public const int OpAdd = 0x00, OpSub = 0x10, OpMul = 0x20, OpDiv = 0x30, OpOr = 0x40, OpAnd = 0x50, OpLsh = 0x60, OpRsh = 0x70;
    public const int OpNeg = 0x80, OpMod = 0x90, OpXor = 0xa0, OpMov = 0xb0, OpArsh = 0xc0, OpEnd = 0xd0;

    public const int JmpJa = 0x00, JmpJset = 0x40, JmpCall = 0x80, JmpExit = 0x90, JmpCond = 0xe0;

    public const int AtomicFetch = 0x01, AtomicXchg = 0xe0 | AtomicFetch, AtomicCmpXchg = 0xf0 | AtomicFetch;
    public const int AtomicLoadAcquire = 0x100, AtomicStoreRelease = 0x110;

    public const int PseudoMapFd = 1, PseudoMapValue = 2, PseudoBtfId = 3, PseudoFunc = 4, PseudoMapIdx = 5, PseudoMapIdxValue = 6;
    public const int PseudoCall = 1, PseudoKfuncCall = 2;

    /// <summary>off of a movsx-style ALU64 mov that casts between address spaces (arena pointers).</summary>
    public const int AddrSpaceCast = 1;
    /// <summary>off the kernel gives a mov that turns a per-CPU offset into an address (internal only).</summary>
    public const int AddrPerCpu = -1;

    public static int Class(byte code) => code & 0x07;
    public static int Size(byte code) => code & 0x18;
    public static int Mode(byte code) => code & 0xe0;
    public static int Op(byte code) => code & 0xf0;
    public static bool IsX(byte code) => (code & SourceX) != 0;

    /// <summary>Bytes of a load/store size field.</summary>
    public static int Bits(int size) => size switch { SizeW => 32, SizeH => 16, SizeB => 8, _ => 64 };
}
