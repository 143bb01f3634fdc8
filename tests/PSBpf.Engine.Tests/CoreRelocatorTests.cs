using System.Buffers.Binary;
using System.Text;
using PSBpf.Engine.Asm;
using PSBpf.Engine.Btf;
using PSBpf.Engine.Loader;

namespace PSBpf.Engine.Tests;

/// <summary>
/// CO-RE relocation cases the corpus does not reach, on hand-built BTF. Expected values are derived from
/// libbpf's rules (src/relo_core.c at HEAD) and explained next to each assertion.
/// </summary>
public class CoreRelocatorTests
{
    // Opcodes: LDX|MEM|W, LDX|MEM|DW, ALU64|ADD|K, ALU64|MOV|K, ALU64|ADD|X, LD|IMM|DW.
    private const byte LdxW = 0x61, LdxDW = 0x79, LdxB = 0x71, AddK = 0x07, MovK = 0xb7, AddX = 0x0f, JaOp = 0x05;

    private static BpfInstruction Ldx(byte opcode, short off) => new(opcode, 1, 2, off, 0);
    private static BpfInstruction Alu(int imm, byte opcode = AddK) => new(opcode, 1, 0, 0, imm);

    private static BpfInstruction[] LdImm64(ulong value) =>
    [
        new(BpfInstruction.LoadImm64Opcode, 1, 0, 0, unchecked((int)value)),
        new(0, 0, 0, 0, unchecked((int)(value >> 32))),
    ];

    private static (CoreRelocationResult Result, BpfInstruction[] Insns, List<string> Log) Run(
        BtfSpec local, BtfSpec target, uint typeId, string access, BtfCoreRelocationKind kind, params BpfInstruction[] insns)
    {
        var log = new List<string>();
        var relocator = new CoreRelocator(local, target, log: log.Add);
        var copy = insns.ToArray();
        var result = relocator.Apply("p", new BtfCoreRelocation(0, typeId, access, kind), 0, copy);
        return (result, copy, log);
    }

    private static CoreRelocationException Fails(BtfSpec local, BtfSpec target, uint typeId, string access, BtfCoreRelocationKind kind, params BpfInstruction[] insns) =>
        Assert.Throws<CoreRelocationException>(() => Run(local, target, typeId, access, kind, insns));

    // ---- field offsets and load sizes ----------------------------------------------------------

    /// <summary>
    /// A u32 that became a u64 at another offset: the offset is patched and, because both are unsigned ints
    /// (zero extension keeps the value), the load is widened from W to DW.
    /// </summary>
    [Fact]
    public void UnsignedFieldThatGrewWidensTheLoad()
    {
        var l = new CoreTestBtf();
        uint u32 = l.Int("unsigned int", 4);
        uint foo = l.Struct("foo", 8, ("a", u32, 0), ("b", u32, 32));
        var t = new CoreTestBtf();
        uint u64 = t.Int("long unsigned int", 8);
        t.Struct("foo", 16, ("b", u64, 64), ("a", u64, 0));

        var (r, insns, log) = Run(l.Spec(), t.Spec(), foo, "0:1", BtfCoreRelocationKind.FieldByteOffset, Ldx(LdxW, 4));
        Assert.Equal(4UL, r.OriginalValue);
        Assert.Equal(8UL, r.NewValue);
        Assert.Equal((4u, 8u), (r.OriginalSize, r.NewSize));
        Assert.Equal(new BpfInstruction(LdxDW, 1, 2, 8, 0), insns[0]);
        Assert.Equal(
        [
            "CO-RE relocating [2] struct foo: found target candidate [2] struct foo in [vmlinux]",
            "prog 'p': relo #0: <byte_off> [2] struct foo.b (0:1 @ offset 4)",
            "prog 'p': relo #0: matching candidate #0 <byte_off> [2] struct foo.b (0:0 @ offset 8)",
            "prog 'p': relo #0: patched insn #0 (LDX/ST/STX) off 4 -> 8",
            "prog 'p': relo #0: patched insn #0 (LDX/ST/STX) mem_sz 4 -> 8",
        ], log);
    }

    /// <summary>
    /// A signed int that changed size cannot be loaded with another width without changing its value:
    /// a load of it is poisoned (with libbpf's warning), while an ALU use of the offset is still patched.
    /// </summary>
    [Fact]
    public void SignedFieldThatChangedSizePoisonsLoadsOnly()
    {
        var l = new CoreTestBtf();
        uint i32 = l.Int("int", 4, signed: true);
        uint foo = l.Struct("foo", 8, ("a", i32, 0), ("b", i32, 32));
        var t = new CoreTestBtf();
        uint i64 = t.Int("long", 8, signed: true);
        t.Struct("foo", 16, ("a", i64, 0), ("b", i64, 64));

        var (load, insns, log) = Run(l.Spec(), t.Spec(), foo, "0:1", BtfCoreRelocationKind.FieldByteOffset, Ldx(LdxW, 4));
        Assert.True(load.Poisoned);
        Assert.Equal(new BpfInstruction(0x85, 0, 0, 0, 0xbad2310), insns[0]);
        Assert.Contains("prog 'p': relo #0: insn #0 (LDX/ST/STX) accesses field incorrectly. Make sure you are accessing pointers, unsigned integers, or fields of matching type and size.", log);
        Assert.Equal("prog 'p': relo #0: substituting insn #0 w/ invalid insn", log[^1]);

        var (alu, aluInsns, _) = Run(l.Spec(), t.Spec(), foo, "0:1", BtfCoreRelocationKind.FieldByteOffset, Alu(4));
        Assert.False(alu.Poisoned);
        Assert.Equal(Alu(8), aluInsns[0]);
    }

    /// <summary>Pointers may change size (32-bit kernels): the load is resized, not poisoned.</summary>
    [Fact]
    public void PointerFieldsMayChangeLoadSize()
    {
        var l = new CoreTestBtf();
        uint i32 = l.Int("int", 4, signed: true);
        uint p = l.Ptr(i32);
        uint foo = l.Struct("foo", 8, ("p", p, 0));
        var t = new CoreTestBtf();
        uint ti32 = t.Int("int", 4, signed: true);
        uint tp = t.Ptr(ti32);
        t.Struct("foo", 8, ("p", tp, 0));

        // Same size: nothing but the offset (unchanged) is written.
        var (r, insns, _) = Run(l.Spec(), t.Spec(), foo, "0:0", BtfCoreRelocationKind.FieldByteOffset, Ldx(LdxDW, 0));
        Assert.Equal((8u, 8u), (r.OriginalSize, r.NewSize));
        Assert.Equal(Ldx(LdxDW, 0), insns[0]);
    }

    /// <summary>The load must have the size the local field implies, else libbpf refuses to resize it.</summary>
    [Fact]
    public void LoadOfUnexpectedSizeIsAnError()
    {
        var l = new CoreTestBtf();
        uint u32 = l.Int("unsigned int", 4);
        uint foo = l.Struct("foo", 4, ("a", u32, 0));
        var t = new CoreTestBtf();
        t.Struct("foo", 8, ("a", t.Int("long unsigned int", 8), 0));
        var e = Fails(l.Spec(), t.Spec(), foo, "0:0", BtfCoreRelocationKind.FieldByteOffset, Ldx(LdxB, 0));
        Assert.Contains("insn #0 (LDX/ST/STX) unexpected mem size: got 1, exp 4", e.Message, StringComparison.Ordinal);
        Assert.Equal(22, e.Errno);
    }

    /// <summary>An offset beyond the 16-bit off field cannot be patched (-ERANGE).</summary>
    [Fact]
    public void OffsetTooBigForLoadIsAnError()
    {
        var l = new CoreTestBtf();
        uint u8 = l.Int("unsigned char", 1);
        uint foo = l.Struct("foo", 1, ("a", u8, 0));
        var t = new CoreTestBtf();
        t.Struct("foo", 40000, ("a", t.Int("unsigned char", 1), 8 * 39999));
        var e = Fails(l.Spec(), t.Spec(), foo, "0:0", BtfCoreRelocationKind.FieldByteOffset, Ldx(LdxB, 0));
        Assert.Equal(34, e.Errno);
        Assert.Contains("value too big: 39999", e.Message, StringComparison.Ordinal);
    }

    /// <summary>A field that moved into an anonymous union is found through it; the raw target spec shows the extra step.</summary>
    [Fact]
    public void FieldMovedIntoAnonymousUnion()
    {
        var l = new CoreTestBtf();
        uint i32 = l.Int("int", 4, signed: true);
        uint foo = l.Struct("foo", 8, ("a", i32, 0), ("b", i32, 32));
        var t = new CoreTestBtf();
        uint ti = t.Int("int", 4, signed: true);
        uint anon = t.Union("", 4, ("c", ti, 0), ("b", ti, 0));
        t.Struct("foo", 12, ("a", ti, 0), ("x", ti, 32), ("", anon, 64));

        var (r, insns, log) = Run(l.Spec(), t.Spec(), foo, "0:1", BtfCoreRelocationKind.FieldByteOffset, Ldx(LdxW, 4));
        Assert.Equal(8UL, r.NewValue);
        Assert.Equal("<byte_off> [3] struct foo.b (0:2:1 @ offset 8)", r.TargetSpec);
        Assert.Equal(Ldx(LdxW, 8), insns[0]);
        Assert.Contains("prog 'p': relo #0: matching candidate #0 <byte_off> [3] struct foo.b (0:2:1 @ offset 8)", log);
    }

    // ---- arrays ------------------------------------------------------------------------------------

    /// <summary>
    /// a[2] of an int array: the offset is computed from the target's element size. Per current libbpf the
    /// tracked load size is the element's (4), not the whole array's.
    /// </summary>
    [Fact]
    public void ArrayElementOffsetAndSize()
    {
        var l = new CoreTestBtf();
        uint u32 = l.Int("unsigned int", 4);
        uint idx = l.Int("int", 4, signed: true);
        uint arr = l.Array(u32, idx, 4);
        uint foo = l.Struct("foo", 20, ("x", u32, 0), ("arr", arr, 32));
        var t = new CoreTestBtf();
        uint tu32 = t.Int("unsigned int", 4);
        uint tidx = t.Int("int", 4, signed: true);
        uint tarr = t.Array(tu32, tidx, 8);
        t.Struct("foo", 40, ("arr", tarr, 64), ("x", tu32, 0));

        var (off, insns, _) = Run(l.Spec(), t.Spec(), foo, "0:1:2", BtfCoreRelocationKind.FieldByteOffset, Ldx(LdxW, 12));
        Assert.Equal(16UL, off.NewValue); // 8 + 2 * 4
        Assert.Equal((4u, 4u), (off.OriginalSize, off.NewSize));
        Assert.Equal(Ldx(LdxW, 16), insns[0]);
        Assert.Equal("<byte_off> [4] struct foo.arr[2] (0:1:2 @ offset 12)", off.LocalSpec);

        var (size, _, _) = Run(l.Spec(), t.Spec(), foo, "0:1:2", BtfCoreRelocationKind.FieldByteSize, Alu(4));
        Assert.Equal(4UL, size.NewValue);

        // The whole array field: byte size is the target array's, the load size its element's.
        var (whole, _, _) = Run(l.Spec(), t.Spec(), foo, "0:1", BtfCoreRelocationKind.FieldByteSize, Alu(16));
        Assert.Equal(32UL, whole.NewValue);
        var (wholeOff, _, _) = Run(l.Spec(), t.Spec(), foo, "0:1", BtfCoreRelocationKind.FieldByteOffset, Alu(4));
        Assert.Equal((4u, 4u), (wholeOff.OriginalSize, wholeOff.NewSize));

        // Index 5 fits the target's 8 elements but not the local 4: the local spec is malformed.
        var bad = Fails(l.Spec(), t.Spec(), foo, "0:1:5", BtfCoreRelocationKind.FieldByteOffset, Ldx(LdxW, 20));
        Assert.Contains("parsing [4] struct foo + 0:1:5 failed: -22", bad.Message, StringComparison.Ordinal);

        // Only offset and size apply to an array element.
        var signed = Fails(l.Spec(), t.Spec(), foo, "0:1:2", BtfCoreRelocationKind.FieldSigned, Alu(0));
        Assert.Contains("can't be applied to array access", signed.Message, StringComparison.Ordinal);
    }

    /// <summary>A target array too short for the local index does not match: the access is poisoned.</summary>
    [Fact]
    public void ArrayIndexBeyondTargetPoisons()
    {
        var l = new CoreTestBtf();
        uint u32 = l.Int("unsigned int", 4);
        uint foo = l.Struct("foo", 16, ("arr", l.Array(u32, u32, 4), 0));
        var t = new CoreTestBtf();
        uint tu32 = t.Int("unsigned int", 4);
        t.Struct("foo", 8, ("arr", t.Array(tu32, tu32, 2), 0));
        var (r, insns, log) = Run(l.Spec(), t.Spec(), foo, "0:0:3", BtfCoreRelocationKind.FieldByteOffset, Ldx(LdxW, 12));
        Assert.True(r.Poisoned);
        Assert.Null(r.TargetTypeId);
        Assert.Equal(CoreInstructionPatcher.PoisonInstruction, insns[0]);
        Assert.Contains("prog 'p': relo #0: no matching targets found", log);
    }

    /// <summary>A flexible array member (last, zero length) accepts any index, locally and in the target.</summary>
    [Fact]
    public void FlexibleArrayAcceptsAnyIndex()
    {
        var l = new CoreTestBtf();
        uint u32 = l.Int("unsigned int", 4);
        uint foo = l.Struct("foo", 4, ("n", u32, 0), ("data", l.Array(u32, u32, 0), 32));
        var t = new CoreTestBtf();
        uint tu32 = t.Int("unsigned int", 4);
        t.Struct("foo", 8, ("pad", tu32, 0), ("n", tu32, 32), ("data", t.Array(tu32, tu32, 0), 64));
        var (r, _, _) = Run(l.Spec(), t.Spec(), foo, "0:1:7", BtfCoreRelocationKind.FieldByteOffset, Alu(32));
        Assert.Equal(8UL + 7 * 4, r.NewValue);
    }

    // ---- bitfields -------------------------------------------------------------------------------

    /// <summary>
    /// A bitfield's byte offset/size describe an aligned load covering it, starting from the declared type's
    /// size and only ever growing; lshift/rshift then extract it. Target: u32 flags:3 at bit 13 → 4-byte load at
    /// offset 0, lshift 64 - (13 + 3) = 48, rshift 64 - 3 = 61.
    /// Bitfield offsets are not validated against the instruction (the compiler may have chosen differently).
    /// </summary>
    [Fact]
    public void BitfieldLoadShapeAndShifts()
    {
        var l = new CoreTestBtf();
        uint u32 = l.Int("unsigned int", 4);
        uint foo = l.Struct("foo", 4, ("flags", u32, 0, 3));
        var t = new CoreTestBtf();
        uint tu32 = t.Int("unsigned int", 4);
        t.Struct("foo", 4, ("x", tu32, 0, 13), ("flags", tu32, 13, 3));
        var ls = l.Spec();
        var ts = t.Spec();

        Assert.Equal(0UL, Run(ls, ts, foo, "0:0", BtfCoreRelocationKind.FieldByteOffset, Alu(12345)).Result.NewValue);
        Assert.Equal(4UL, Run(ls, ts, foo, "0:0", BtfCoreRelocationKind.FieldByteSize, Alu(777)).Result.NewValue);
        Assert.Equal(48UL, Run(ls, ts, foo, "0:0", BtfCoreRelocationKind.FieldLShiftU64, Alu(61)).Result.NewValue);
        Assert.Equal(61UL, Run(ls, ts, foo, "0:0", BtfCoreRelocationKind.FieldRShiftU64, Alu(61)).Result.NewValue);
        Assert.Equal(0UL, Run(ls, ts, foo, "0:0", BtfCoreRelocationKind.FieldSigned, Alu(0)).Result.NewValue);

        // rshift is validated even for bitfields: 64 - 3.
        var e = Fails(ls, ts, foo, "0:0", BtfCoreRelocationKind.FieldRShiftU64, Alu(60));
        Assert.Contains("unexpected insn #0 (ALU/ALU64) value: got 60, exp 61 -> 61", e.Message, StringComparison.Ordinal);
    }

    /// <summary>A bitfield that no aligned 8-byte load covers cannot be relocated (-E2BIG).</summary>
    [Fact]
    public void BitfieldStraddlingEightBytesIsAnError()
    {
        var l = new CoreTestBtf();
        uint u64 = l.Int("long unsigned int", 8);
        uint foo = l.Struct("foo", 8, ("f", u64, 0, 10));
        var t = new CoreTestBtf();
        uint tu64 = t.Int("long unsigned int", 8);
        t.Struct("foo", 16, ("f", tu64, 60, 10));
        var e = Fails(l.Spec(), t.Spec(), foo, "0:0", BtfCoreRelocationKind.FieldByteOffset, Alu(0));
        Assert.Equal(7, e.Errno);
        Assert.Contains("can't be satisfied for bitfield", e.Message, StringComparison.Ordinal);
    }

    // ---- field compatibility -----------------------------------------------------------------------

    /// <summary>A field of the right name but an incompatible type (int vs struct... enum of another name) does not match.</summary>
    [Fact]
    public void IncompatibleFieldTypesDoNotMatch()
    {
        var l = new CoreTestBtf();
        uint e1 = l.Enum("color", 4, false, ("RED", 0));
        uint foo = l.Struct("foo", 4, ("c", e1, 0));
        var t = new CoreTestBtf();
        uint e2 = t.Enum("shape", 4, false, ("RED", 0));
        t.Struct("foo", 4, ("c", e2, 0));
        var (r, _, log) = Run(l.Spec(), t.Spec(), foo, "0:0", BtfCoreRelocationKind.FieldExists, Alu(1));
        Assert.Equal(0UL, r.NewValue);
        Assert.False(r.Poisoned);
        // libbpf pops only the accessor of an incompatible field: the raw step stays in the logged partial spec.
        Assert.Contains("prog 'p': relo #0: non-matching candidate #0 <field_exists> [2] struct foo (0:0 @ offset 0)", log);
    }

    /// <summary>
    /// Signedness follows the target: an unsigned local field that is signed in the target. (Ints of any size
    /// and sign are compatible; an int and an enum are not, so that would not match at all.)
    /// </summary>
    [Fact]
    public void SignednessFollowsTarget()
    {
        var l = new CoreTestBtf();
        uint foo = l.Struct("foo", 4, ("a", l.Int("unsigned int", 4), 0));
        var t = new CoreTestBtf();
        t.Struct("foo", 4, ("a", t.Int("int", 4, signed: true), 0));
        var (r, insns, _) = Run(l.Spec(), t.Spec(), foo, "0:0", BtfCoreRelocationKind.FieldSigned, Alu(0, MovK));
        Assert.Equal((0UL, 1UL), (r.OriginalValue, r.NewValue));
        Assert.Equal(Alu(1, MovK), insns[0]);
    }

    // ---- types and enums ---------------------------------------------------------------------------

    /// <summary>
    /// TYPE_EXISTS only needs compatible kinds; TYPE_MATCHES also compares members (a changed int width fails it).
    /// TYPE_SIZE reports the target's size.
    /// </summary>
    [Fact]
    public void TypeExistsMatchesAndSize()
    {
        var l = new CoreTestBtf();
        uint foo = l.Struct("foo", 4, ("a", l.Int("int", 4, signed: true), 0));
        var t = new CoreTestBtf();
        t.Struct("foo", 8, ("a", t.Int("long", 8, signed: true), 0));
        Assert.Equal(1UL, Run(l.Spec(), t.Spec(), foo, "0", BtfCoreRelocationKind.TypeExists, Alu(1)).Result.NewValue);
        Assert.Equal(0UL, Run(l.Spec(), t.Spec(), foo, "0", BtfCoreRelocationKind.TypeMatches, Alu(1)).Result.NewValue);
        Assert.Equal(8UL, Run(l.Spec(), t.Spec(), foo, "0", BtfCoreRelocationKind.TypeSize, Alu(4)).Result.NewValue);

        var m = new CoreTestBtf();
        m.Struct("foo", 16, ("b", m.Int("char", 1), 0), ("a", m.Int("int", 4, signed: true), 32));
        Assert.Equal(1UL, Run(l.Spec(), m.Spec(), foo, "0", BtfCoreRelocationKind.TypeMatches, Alu(1)).Result.NewValue);

        // Type-based relocations take no field access.
        var e = Fails(l.Spec(), t.Spec(), foo, "1", BtfCoreRelocationKind.TypeExists, Alu(1));
        Assert.Contains("parsing [2] struct foo + 1 failed", e.Message, StringComparison.Ordinal);
    }

    /// <summary>A type the target lacks: TYPE_EXISTS/TYPE_SIZE/TYPE_ID_TARGET become 0 (not poisoned).</summary>
    [Fact]
    public void MissingTypeGivesZero()
    {
        var l = new CoreTestBtf();
        uint foo = l.Struct("foo", 4, ("a", l.Int("int", 4, signed: true), 0));
        var t = new CoreTestBtf();
        t.Struct("bar", 4, ("a", t.Int("int", 4, signed: true), 0));
        foreach (var (kind, imm) in new[] { (BtfCoreRelocationKind.TypeExists, 1), (BtfCoreRelocationKind.TypeSize, 4), (BtfCoreRelocationKind.TypeMatches, 1), (BtfCoreRelocationKind.TypeIdTarget, 99) })
        {
            var (r, insns, _) = Run(l.Spec(), t.Spec(), foo, "0", kind, Alu(imm, MovK));
            Assert.False(r.Poisoned);
            Assert.Equal(0UL, r.NewValue);
            Assert.Equal(Alu(0, MovK), insns[0]);
        }
    }

    /// <summary>
    /// ENUMVAL_VALUE on ld_imm64: a 32-bit enum's value is read as __s32 and sign-extended (-1 → all ones);
    /// an ENUM64 value is split over both slots. A missing enumerator: EXISTS → 0, VALUE → both slots poisoned.
    /// </summary>
    [Fact]
    public void EnumValuesOnLdImm64()
    {
        var l = new CoreTestBtf();
        uint e = l.Enum("e", 4, true, ("A", 1), ("B", 2));
        uint e64 = l.Enum64("big", 8, false, ("L", 0x1_0000_0001));
        var t = new CoreTestBtf();
        t.Enum("e", 4, true, ("B", -1), ("A___old", 7));
        t.Enum64("big", 8, false, ("L", 0x2_0000_0003));

        var (b, bi, _) = Run(l.Spec(), t.Spec(), e, "1", BtfCoreRelocationKind.EnumValue, LdImm64(2));
        Assert.Equal(ulong.MaxValue, b.NewValue);
        Assert.Equal(LdImm64(ulong.MaxValue), bi);

        // Enumerator names match modulo flavour: local A finds target A___old.
        var (a, _, _) = Run(l.Spec(), t.Spec(), e, "0", BtfCoreRelocationKind.EnumValue, Alu(1, MovK));
        Assert.Equal(7UL, a.NewValue);

        var (big, bigInsns, log) = Run(l.Spec(), t.Spec(), e64, "0", BtfCoreRelocationKind.EnumValue, LdImm64(0x1_0000_0001));
        Assert.Equal(0x2_0000_0003UL, big.NewValue);
        Assert.Equal(LdImm64(0x2_0000_0003), bigInsns);
        Assert.Contains("prog 'p': relo #0: <enumval_value> [2] enum64 big::L = 4294967297", log);
        Assert.Contains("prog 'p': relo #0: patched insn #0 (LDIMM64) imm64 4294967297 -> 8589934595", log);

        var missingLocal = new CoreTestBtf();
        uint me = missingLocal.Enum("e", 4, true, ("C", 3));
        var (exists, _, _) = Run(missingLocal.Spec(), t.Spec(), me, "0", BtfCoreRelocationKind.EnumValueExists, LdImm64(1));
        Assert.Equal(0UL, exists.NewValue);
        var (value, valueInsns, valueLog) = Run(missingLocal.Spec(), t.Spec(), me, "0", BtfCoreRelocationKind.EnumValue, LdImm64(3));
        Assert.True(value.Poisoned);
        Assert.Equal([CoreInstructionPatcher.PoisonInstruction, CoreInstructionPatcher.PoisonInstruction], valueInsns);
        Assert.Equal(["prog 'p': relo #0: substituting insn #1 w/ invalid insn", "prog 'p': relo #0: substituting insn #0 w/ invalid insn"], valueLog[^2..]);
    }

    /// <summary>TYPE_ID_LOCAL needs no target and is not validated; it works for anonymous types too.</summary>
    [Fact]
    public void LocalTypeIdOfAnonymousType()
    {
        var l = new CoreTestBtf();
        uint anon = l.Struct("", 4, ("a", l.Int("int", 4, signed: true), 0));
        var (r, insns, log) = Run(l.Spec(), new CoreTestBtf().Spec(), anon, "0", BtfCoreRelocationKind.TypeIdLocal, LdImm64(12345));
        Assert.Equal(2UL, r.NewValue);
        Assert.Equal(LdImm64(2), insns);
        Assert.Equal(["prog 'p': relo #0: <local_type_id> [2] struct <anon>", "prog 'p': relo #0: patched insn #0 (LDIMM64) imm64 12345 -> 2"], log);

        // Any other kind needs a candidate search, which anonymous types cannot have.
        var e = Fails(l.Spec(), new CoreTestBtf().Spec(), anon, "0", BtfCoreRelocationKind.TypeExists, Alu(1));
        Assert.Contains("target candidate search failed", e.Message, StringComparison.Ordinal);
    }

    // ---- instructions --------------------------------------------------------------------------------

    /// <summary>The instruction must hold what the local BTF implies; libbpf's wording is kept.</summary>
    [Fact]
    public void UnexpectedInstructionValueIsAnError()
    {
        var (l, t, foo) = SimpleFoo();
        var e = Fails(l, t, foo, "0:1", BtfCoreRelocationKind.FieldByteOffset, Alu(5));
        Assert.Contains("unexpected insn #0 (ALU/ALU64) value: got 5, exp 4 -> 8", e.Message, StringComparison.Ordinal);
        Assert.Equal(("p", 0, 0, BtfCoreRelocationKind.FieldByteOffset, "0:1", "struct foo"), (e.Program, e.RelocationIndex, e.InstructionIndex, e.Kind, e.AccessString, e.LocalType));

        var ldx = Fails(l, t, foo, "0:1", BtfCoreRelocationKind.FieldByteOffset, Ldx(LdxW, 0));
        Assert.Contains("unexpected insn #0 (LDX/ST/STX) value: got 0, exp 4 -> 8", ldx.Message, StringComparison.Ordinal);
    }

    /// <summary>Only K-form ALU, loads/stores and a well-formed ld_imm64 can carry a relocation.</summary>
    [Fact]
    public void UnsupportedInstructionsAreErrors()
    {
        var (l, t, foo) = SimpleFoo();
        Fails(l, t, foo, "0:1", BtfCoreRelocationKind.FieldByteOffset, new BpfInstruction(AddX, 1, 2, 0, 4));
        var jmp = Fails(l, t, foo, "0:1", BtfCoreRelocationKind.FieldByteOffset, new BpfInstruction(JaOp, 0, 0, 4, 0));
        Assert.Contains("trying to relocate unrecognized insn #0, code:0x5", jmp.Message, StringComparison.Ordinal);
        var ld = LdImm64(4);
        ld[1] = ld[1] with { Source = 1 };
        var bad = Fails(l, t, foo, "0:1", BtfCoreRelocationKind.FieldByteOffset, ld);
        Assert.Contains("(LDIMM64) has unexpected form", bad.Message, StringComparison.Ordinal);
    }

    /// <summary>Malformed access strings are rejected like libbpf's parser (sscanf "%d" pieces separated by ':').</summary>
    [Theory]
    [InlineData("")]
    [InlineData(":1")]
    [InlineData("0:")]
    [InlineData("0::1")]
    [InlineData("0:x")]
    [InlineData("0:-1")]
    [InlineData("0:2")]
    [InlineData("0:1:0")]
    public void MalformedAccessStrings(string access)
    {
        var (l, t, foo) = SimpleFoo();
        var e = Fails(l, t, foo, access, BtfCoreRelocationKind.FieldByteOffset, Alu(4));
        Assert.Equal(22, e.Errno);
        Assert.Equal(access, e.AccessString);
        Assert.Contains("parsing [2] struct foo + ", e.Message, StringComparison.Ordinal);
    }

    /// <summary>sscanf("%d") skips leading whitespace and takes a '+': libbpf accepts these, so does PSBpf.</summary>
    [Fact]
    public void AccessStringLeniencyMatchesSscanf()
    {
        var (l, t, foo) = SimpleFoo();
        Assert.Equal(8UL, Run(l, t, foo, "0: 1", BtfCoreRelocationKind.FieldByteOffset, Alu(4)).Result.NewValue);
        Assert.Equal(8UL, Run(l, t, foo, "+0:1", BtfCoreRelocationKind.FieldByteOffset, Alu(4)).Result.NewValue);
        Assert.Equal(8UL, Run(l, t, foo, "0 1", BtfCoreRelocationKind.FieldByteOffset, Alu(4)).Result.NewValue);
    }

    // ---- candidates: flavours, ambiguity, pruning, modules -------------------------------------------

    /// <summary>
    /// Flavours: a local foo___v1 matches target foo and foo___v2; when they agree, it is not ambiguous; the
    /// (shared) candidate list is then pruned to the candidates that matched, as libbpf prunes its cache,
    /// so a later relocation of the same type no longer sees the others.
    /// </summary>
    [Fact]
    public void FlavoursAgreeingAndCandidatePruning()
    {
        var l = new CoreTestBtf();
        uint i32 = l.Int("int", 4, signed: true);
        uint foo = l.Struct("foo___v1", 8, ("a", i32, 0), ("b", i32, 32));
        var t = new CoreTestBtf();
        uint ti = t.Int("int", 4, signed: true);
        t.Struct("foo", 8, ("a", ti, 0), ("b", ti, 32));
        t.Struct("foo___v2", 4, ("a", ti, 0));
        t.Struct("foo___v3", 8, ("z", ti, 0), ("b", ti, 32));

        var log = new List<string>();
        var relocator = new CoreRelocator(l.Spec(), t.Spec(), log: log.Add);
        var insns = new[] { Alu(0), Alu(4), Alu(0) };
        var first = relocator.Apply("p", new BtfCoreRelocation(0, foo, "0:0", BtfCoreRelocationKind.FieldByteOffset), 0, insns);
        Assert.Equal(2, first.MatchingCandidates); // foo and foo___v2; foo___v3 has no 'a'
        Assert.Equal(3, log.Count(x => x.StartsWith("CO-RE relocating [2] struct foo___v1: found target candidate", StringComparison.Ordinal)));

        // Only foo and foo___v2 remain; of those, only foo has 'b'.
        var second = relocator.Apply("p", new BtfCoreRelocation(1, foo, "0:1", BtfCoreRelocationKind.FieldByteOffset), 1, insns);
        Assert.Equal(1, second.MatchingCandidates);
        Assert.Equal("struct foo", second.TargetType);
        Assert.DoesNotContain(log, x => x.Contains("relo #1: ", StringComparison.Ordinal) && x.Contains("foo___v3", StringComparison.Ordinal));
        Assert.Contains("prog 'p': relo #1: non-matching candidate #1 <byte_off> [3] struct foo___v2 (0 @ offset 0)", log);

        // Pruned to foo alone: one candidate line for relo #2.
        relocator.Apply("p", new BtfCoreRelocation(2, foo, "0:0", BtfCoreRelocationKind.FieldByteOffset), 2, insns);
        Assert.Single(log, x => x.StartsWith("prog 'p': relo #2: matching candidate", StringComparison.Ordinal) || x.StartsWith("prog 'p': relo #2: non-matching", StringComparison.Ordinal));
    }

    /// <summary>Two flavours placing the field differently: "field offset ambiguity".</summary>
    [Fact]
    public void FlavoursDisagreeingOnOffsetAreAmbiguous()
    {
        var l = new CoreTestBtf();
        uint i32 = l.Int("int", 4, signed: true);
        uint foo = l.Struct("foo", 8, ("a", i32, 0), ("b", i32, 32));
        var t = new CoreTestBtf();
        uint ti = t.Int("int", 4, signed: true);
        t.Struct("foo___x", 8, ("a", ti, 0), ("b", ti, 32));
        t.Struct("foo___y", 8, ("b", ti, 0), ("a", ti, 32));
        var e = Fails(l.Spec(), t.Spec(), foo, "0:1", BtfCoreRelocationKind.FieldByteOffset, Alu(4));
        Assert.Equal("field offset ambiguity: 0 != 32", e.Detail);
    }

    /// <summary>
    /// Split (module) BTF as target: vmlinux (its base) is searched first; the module's own types only when
    /// vmlinux has no candidate, and they are logged under the module's name.
    /// </summary>
    [Fact]
    public void ModuleBtfIsSearchedWhenVmlinuxHasNoCandidate()
    {
        var baseBuilder = new CoreTestBtf();
        uint bi = baseBuilder.Int("int", 4, signed: true);
        baseBuilder.Struct("in_vmlinux", 4, ("a", bi, 0));
        var vmlinux = baseBuilder.Spec("vmlinux");

        var mod = new CoreTestBtf(vmlinux);
        uint modType = mod.Struct("in_module", 8, ("x", bi, 0), ("a", bi, 32));
        mod.Struct("in_vmlinux", 8, ("x", bi, 0), ("a", bi, 32));
        var module = mod.Spec("/sys/kernel/btf/my_mod");

        var l = new CoreTestBtf();
        uint li = l.Int("int", 4, signed: true);
        uint inModule = l.Struct("in_module", 4, ("a", li, 0));
        uint inVmlinux = l.Struct("in_vmlinux", 4, ("a", li, 0));

        var log = new List<string>();
        var relocator = new CoreRelocator(l.Spec(), module, log: log.Add);
        Assert.Same(vmlinux, relocator.TargetBtf);
        var insns = new[] { Alu(0), Alu(0) };
        var m = relocator.Apply("p", new BtfCoreRelocation(0, inModule, "0:0", BtfCoreRelocationKind.FieldByteOffset), 0, insns);
        Assert.Equal((4UL, modType, "my_mod"), (m.NewValue, m.TargetTypeId!.Value, m.TargetBtf));
        Assert.Contains($"CO-RE relocating [2] struct in_module: found target candidate [{modType}] struct in_module in [my_mod]", log);

        var v = relocator.Apply("p", new BtfCoreRelocation(1, inVmlinux, "0:0", BtfCoreRelocationKind.FieldByteOffset), 1, insns);
        Assert.Equal((0UL, 2u, "vmlinux"), (v.NewValue, v.TargetTypeId!.Value, v.TargetBtf));
    }

    private static (BtfSpec Local, BtfSpec Target, uint Foo) SimpleFoo()
    {
        var l = new CoreTestBtf();
        uint i32 = l.Int("int", 4, signed: true);
        uint foo = l.Struct("foo", 8, ("a", i32, 0), ("b", i32, 32));
        var t = new CoreTestBtf();
        uint ti = t.Int("int", 4, signed: true);
        t.Struct("foo", 12, ("x", ti, 0), ("a", ti, 32), ("b", ti, 64));
        return (l.Spec(), t.Spec(), foo);
    }

    /// <summary>Writes raw BTF (little-endian) type by type, for hand-made local and target BTF.</summary>
    internal sealed class CoreTestBtf
    {
        private readonly List<byte> _types = [];
        private readonly List<byte> _strings = [0];
        private readonly Dictionary<string, uint> _offsets = new(StringComparer.Ordinal) { [""] = 0 };
        private readonly BtfSpec? _base;
        private uint _next;

        public CoreTestBtf(BtfSpec? baseBtf = null)
        {
            _base = baseBtf;
            _next = baseBtf is null ? 1u : (uint)baseBtf.Count;
            if (baseBtf is not null)
            {
                _strings.Clear();
                _offsets.Clear();
                _offsets[""] = 0; // the base's empty string
            }
        }

        public uint Int(string name, uint size, bool signed = false, byte bits = 0, byte offset = 0) =>
            Add(name, 1, 0, false, size, U32(((signed ? 1u : 0u) << 24) | ((uint)offset << 16) | (bits == 0 ? size * 8 : bits)));

        public uint Ptr(uint target) => Add("", 2, 0, false, target);
        public uint Array(uint element, uint index, uint count) => Add("", 3, 0, false, 0, U32(element), U32(index), U32(count));
        public uint Typedef(string name, uint target) => Add(name, 8, 0, false, target);
        public uint Const(uint target) => Add("", 10, 0, false, target);

        public uint Struct(string name, uint size, params (string Name, uint Type, uint BitOffset)[] members) =>
            Composite(4, name, size, members.Select(m => (m.Name, m.Type, m.BitOffset, 0u)).ToArray());

        public uint Struct(string name, uint size, params (string Name, uint Type, uint BitOffset, uint BitSize)[] members) =>
            Composite(4, name, size, members);

        public uint Union(string name, uint size, params (string Name, uint Type, uint BitOffset)[] members) =>
            Composite(5, name, size, members.Select(m => (m.Name, m.Type, m.BitOffset, 0u)).ToArray());

        public uint Enum(string name, uint size, bool signed, params (string Name, long Value)[] values) =>
            Add(name, 6, values.Length, signed, size, values.SelectMany(v => U32(Str(v.Name)).Concat(U32(unchecked((uint)v.Value)))).ToArray());

        public uint Enum64(string name, uint size, bool signed, params (string Name, long Value)[] values) =>
            Add(name, 19, values.Length, signed, size,
                values.SelectMany(v => U32(Str(v.Name)).Concat(U32(unchecked((uint)v.Value))).Concat(U32(unchecked((uint)((ulong)v.Value >> 32))))).ToArray());

        public BtfSpec Spec(string? source = null)
        {
            var str = _strings.ToArray();
            var types = _types.ToArray();
            var blob = new byte[24 + types.Length + str.Length];
            BinaryPrimitives.WriteUInt16LittleEndian(blob, BtfSpec.Magic);
            blob[2] = 1;
            BinaryPrimitives.WriteUInt32LittleEndian(blob.AsSpan(4), 24);
            BinaryPrimitives.WriteUInt32LittleEndian(blob.AsSpan(8), 0);
            BinaryPrimitives.WriteUInt32LittleEndian(blob.AsSpan(12), (uint)types.Length);
            BinaryPrimitives.WriteUInt32LittleEndian(blob.AsSpan(16), (uint)types.Length);
            BinaryPrimitives.WriteUInt32LittleEndian(blob.AsSpan(20), (uint)str.Length);
            types.CopyTo(blob, 24);
            str.CopyTo(blob, 24 + types.Length);
            return BtfSpec.Parse(blob, source, _base);
        }

        private uint Composite(int kind, string name, uint size, (string Name, uint Type, uint BitOffset, uint BitSize)[] members)
        {
            bool kflag = members.Any(m => m.BitSize != 0);
            var extra = members.SelectMany(m => U32(Str(m.Name)).Concat(U32(m.Type)).Concat(U32(kflag ? (m.BitSize << 24) | m.BitOffset : m.BitOffset))).ToArray();
            return Add(name, kind, members.Length, kflag, size, extra);
        }

        private uint Add(string name, int kind, int vlen, bool kflag, uint sizeOrType, params byte[][] extra) =>
            Add(name, kind, vlen, kflag, sizeOrType, extra.SelectMany(x => x).ToArray());

        private uint Add(string name, int kind, int vlen, bool kflag, uint sizeOrType, byte[] extra)
        {
            _types.AddRange(U32(Str(name)));
            _types.AddRange(U32((uint)vlen | ((uint)kind << 24) | (kflag ? 1u << 31 : 0)));
            _types.AddRange(U32(sizeOrType));
            _types.AddRange(extra);
            return _next++;
        }

        private uint Str(string s)
        {
            if (_offsets.TryGetValue(s, out uint off)) return off;
            off = (_base?.StringsLength ?? 0) + (uint)_strings.Count;
            _strings.AddRange(Encoding.UTF8.GetBytes(s));
            _strings.Add(0);
            _offsets[s] = off;
            return off;
        }

        private static byte[] U32(uint v)
        {
            var b = new byte[4];
            BinaryPrimitives.WriteUInt32LittleEndian(b, v);
            return b;
        }
    }
}
