using System.Collections.Specialized;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;

namespace PSBpf.Engine;

/// <summary>
/// One USDT argument spec ("-4@%edi", "8@-8(%rbp)", "-4@$42") as <c>&lt;bpf/usdt.bpf.h&gt;</c>'s
/// <c>struct __bpf_usdt_arg_spec</c> takes it: a constant, a register of struct pt_regs, or memory at a register plus
/// an offset; the size in bytes and the signedness decide the shift that widens it to 64 bits.
/// </summary>
internal sealed partial record UsdtArgument(UsdtArgumentKind Kind, ulong ValueOrOffset, short RegisterOffset, bool Signed, byte BitShift)
{
    /// <summary>struct pt_regs of x86-64, by register name as the assembler writes it (all widths).</summary>
    private static readonly Dictionary<string, short> X64Registers = BuildX64();

    [GeneratedRegex(@"^(-?)(1|2|4|8)@(.+)$")]
    private static partial Regex SizeAt();

    [GeneratedRegex(@"^(-?(?:0x[0-9a-fA-F]+|[0-9]+))?\(%(\w+)\)$")]
    private static partial Regex Memory();

    /// <summary>Parses the space-separated specs of a probe; <paramref name="site"/> names the probe in errors.</summary>
    public static IReadOnlyList<UsdtArgument> ParseAll(string specs, string site)
    {
        if (RuntimeInformation.ProcessArchitecture != Architecture.X64)
            throw new NotSupportedException($"{site}: USDT argument specs of {RuntimeInformation.ProcessArchitecture} are not supported by this build (x86-64 only)");
        var parts = specs.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length > 12) throw new NotSupportedException($"{site}: {parts.Length} arguments, more than the 12 <bpf/usdt.bpf.h> holds");
        return parts.Select((p, i) => Parse(p, $"{site} argument {i} '{p}'")).ToList();
    }

    private static UsdtArgument Parse(string spec, string what)
    {
        var m = SizeAt().Match(spec);
        if (!m.Success) throw new FormatException($"{what}: not SIZE@LOCATION with a size of 1, 2, 4 or 8 bytes");
        bool signed = m.Groups[1].Length > 0;
        int size = int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture);
        byte shift = (byte)(64 - size * 8);
        string loc = m.Groups[3].Value;
        if (loc.StartsWith('$'))
        {
            return new(UsdtArgumentKind.Constant, unchecked((ulong)ParseInteger(loc[1..], what)), 0, signed, shift);
        }

        if (loc.StartsWith('%')) return new(UsdtArgumentKind.Register, 0, Register(loc[1..], what), signed, shift);
        var mem = Memory().Match(loc);
        if (!mem.Success) throw new NotSupportedException($"{what}: this build reads constants, registers and register+offset memory; not this location");
        long offset = mem.Groups[1].Success ? ParseInteger(mem.Groups[1].Value, what) : 0;
        return new(UsdtArgumentKind.RegisterDeref, unchecked((ulong)offset), Register(mem.Groups[2].Value, what), signed, shift);
    }

    /// <summary>The record <c>struct __bpf_usdt_arg_spec</c> is encoded from (through the spec map's BTF).</summary>
    public OrderedDictionary ToRecord() => new()
    {
        ["val_off"] = ValueOrOffset,
        ["arg_type"] = (uint)Kind,
        ["reg_off"] = RegisterOffset,
        ["arg_signed"] = Signed,
        ["arg_bitshift"] = (sbyte)BitShift,
    };

    private static long ParseInteger(string text, string what)
    {
        bool negative = text.StartsWith('-');
        string digits = negative ? text[1..] : text;
        bool ok = digits.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
            ? ulong.TryParse(digits.AsSpan(2), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out ulong v)
            : ulong.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out v);
        if (!ok) throw new FormatException($"{what}: '{text}' is not an integer");
        return negative ? -unchecked((long)v) : unchecked((long)v);
    }

    private static short Register(string name, string what) =>
        X64Registers.TryGetValue(name, out var off) ? off : throw new NotSupportedException($"{what}: unknown register %{name}");

    private static Dictionary<string, short> BuildX64()
    {
        var regs = new Dictionary<string, short>(StringComparer.Ordinal);
        void Add(short offset, params string[] names)
        {
            foreach (var n in names) regs[n] = offset;
        }

        // offsets in struct pt_regs (arch/x86/include/asm/ptrace.h)
        Add(0, "r15", "r15d", "r15w", "r15b");
        Add(8, "r14", "r14d", "r14w", "r14b");
        Add(16, "r13", "r13d", "r13w", "r13b");
        Add(24, "r12", "r12d", "r12w", "r12b");
        Add(32, "rbp", "ebp", "bp", "bpl");
        Add(40, "rbx", "ebx", "bx", "bl");
        Add(48, "r11", "r11d", "r11w", "r11b");
        Add(56, "r10", "r10d", "r10w", "r10b");
        Add(64, "r9", "r9d", "r9w", "r9b");
        Add(72, "r8", "r8d", "r8w", "r8b");
        Add(80, "rax", "eax", "ax", "al");
        Add(88, "rcx", "ecx", "cx", "cl");
        Add(96, "rdx", "edx", "dx", "dl");
        Add(104, "rsi", "esi", "si", "sil");
        Add(112, "rdi", "edi", "di", "dil");
        Add(128, "rip", "eip");
        Add(152, "rsp", "esp", "sp", "spl");
        return regs;
    }
}
