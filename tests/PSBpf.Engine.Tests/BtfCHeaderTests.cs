using PSBpf.Engine.Btf;

namespace PSBpf.Engine.Tests;

/// <summary>
/// What the C header reader refuses, and where it says the fault is; names resolved through the running kernel's BTF;
/// and the types it makes, used by the value codec as any BTF is.
/// </summary>
public sealed class BtfCHeaderTests
{
    private static readonly BtfCHeaderOptions NoKernel = new() { KernelBtfPath = null };

    [Theory]
    [InlineData("struct s {\n\tfoo_t x;\n};", 2, 2, "unknown type name 'foo_t' (and no kernel BTF to look it up in)")]
    [InlineData("#define LEN(x) ((x) * 2)\nstruct s { char a[LEN(4)]; };", 2, 19, "function-like macro 'LEN' (defined at <TypeDefinition>:1:9) is not supported here")]
    [InlineData("struct nope;\nstruct s { struct nope n; };", 2, 24, "struct nope is incomplete: declared at <TypeDefinition>:1:8 but never defined, and the kernel BTF has no struct nope either")]
    [InlineData("#if 1\nstruct s { int a; };", 1, 1, "#if without #endif")]
    [InlineData("#ifndef X\n#error no X here\n#endif", 2, 1, "#error no X here")]
    [InlineData("#pragma pack(1)\nstruct s { int a; };", 1, 9, "#pragma pack is not supported; use __attribute__((packed)) on the struct")]
    [InlineData("struct s { int a : 33; };", 1, 18, "bitfield 'a' is 33 bits wide; its type int has 32")]
    [InlineData("struct s { int a; int a; };", 1, 23, "duplicate member 'a' in struct s (first at <TypeDefinition>:1:16)")]
    [InlineData("struct s { int a; };\nstruct s { int b; };", 2, 8, "redefinition of struct s (first defined at <TypeDefinition>:1:8)")]
    [InlineData("struct s { char a[N]; };", 1, 19, "'N' is not a constant: no enumerator or #define of that name is known here")]
    [InlineData("struct s { long double d; };", 1, 12, "'long double' is not supported (BPF has no long double)")]
    [InlineData("struct s { int a[2 / 0]; };", 1, 20, "division by zero in a constant expression")]
    [InlineData("struct s { int a }", 1, 18, "expected ';' after member 'a', found '}'")]
    [InlineData("struct s { int f(int); };", 1, 16, "member 'f' is a function; a pointer to one ('(*f)(...)') is a member")]
    [InlineData("struct s { int a; } __attribute__((aligned(3)));", 1, 36, "alignment 3 is not a power of 2")]
    [InlineData("#include \"no_such_header.h\"", 1, 10, "included header 'no_such_header.h' not found")]
    [InlineData("/* never closed", 1, 1, "unterminated /* comment")]
    [InlineData("strcut event { int pid; };", 1, 1, "unknown type name 'strcut'")]
    [InlineData("mystery_t counter;", 1, 1, "unknown type name 'mystery_t'")]
    public void Errors_name_the_place_and_what_was_not_understood(string text, int line, int column, string detail)
    {
        var e = Assert.Throws<BpfHeaderException>(() => BtfCHeader.ParseText(text, NoKernel with { DefinitionDirectory = Path.GetTempPath() }));
        Assert.Equal(("<TypeDefinition>", line, column), (e.FileName, e.Line, e.Column));
        Assert.StartsWith(detail, e.Detail, StringComparison.Ordinal);
        Assert.StartsWith($"<TypeDefinition>:{line}:{column}: ", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unused_function_like_macros_and_function_declarations_are_skipped()
    {
        var h = BtfCHeader.ParseText("""
            #define MAX(a, b) ((a) > (b) ? (a) : (b))
            static __always_inline int pick(int a, int b) { return MAX(a, b); }
            int prototype(struct unknown_thing *t, some_unknown_type u);
            struct s { int a; };
            """, NoKernel);
        Assert.Equal(["struct s"], h.Types.Select(t => "struct " + t.Name));
    }

    [Fact]
    public void Names_the_header_does_not_define_come_from_the_kernel_BTF()
    {
        var kernel = BtfSpec.Load(BpfLoadOptions.RunningKernelBtf);
        var h = BtfCHeader.ParseText("struct s { pid_t pid; struct in6_addr addr; struct task_struct *task; u64 ts; };");
        var s = (BtfComposite)h.Find("s")!;
        var pid = h.Btf[s.Members[0].TypeId];
        Assert.Equal(("pid_t", BtfKind.Typedef), (pid.Name, pid.Kind));
        Assert.Equal(kernel.SizeOf(kernel.FindByName("pid_t", BtfKind.Typedef)!.Id), h.Btf.SizeOf(pid.Id));
        Assert.Equal(kernel.SizeOf(kernel.FindByName("in6_addr", BtfKind.Struct)!.Id), h.Btf.SizeOf(s.Members[1].TypeId));
        Assert.Equal(kernel.FindByName("in6_addr", BtfKind.Struct)!.Id, s.Members[1].TypeId);
        Assert.Equal("struct task_struct *", h.Btf[s.Members[2].TypeId].ToString());
        Assert.Equal((uint)(4 + 16 + 4 /* padding */) * 8, s.Members[2].BitOffset);
        Assert.Equal(40u, s.Size);
    }

    [Fact]
    public void Without_kernel_types_the_BTF_stands_alone_and_undefined_tags_behind_pointers_are_forwards()
    {
        var h = BtfCHeader.ParseText("struct s { struct opaque *p; __u32 v; };", NoKernel);
        Assert.Null(h.Btf.Base);
        var s = (BtfComposite)h.Find("struct s")!;
        Assert.Equal(BtfKind.Forward, ((BtfPointer)h.Btf[s.Members[0].TypeId]).Type.Kind);
        Assert.Equal("__u32", h.Btf[s.Members[1].TypeId].Name);
    }

    [Fact]
    public void Text_includes_headers_relative_to_its_directory_and_sees_their_macros()
    {
        string dir = Path.Combine(Fixtures.RepoRoot, "tests", "fixtures");
        var h = BtfCHeader.ParseText("#include \"bootstrap.h\"\nstruct wrapper { struct event e[2]; char name[EVENT_COMM_LEN]; };", NoKernel with { DefinitionDirectory = dir });
        var w = (BtfComposite)h.Find("wrapper")!;
        Assert.Equal(2 * h.Btf.SizeOf(h.Find("event")!.Id) + 16, w.Size);
        Assert.Contains(h.Files, f => f.EndsWith("bootstrap.h", StringComparison.Ordinal));
    }

    [Fact]
    public void The_value_codec_decodes_and_encodes_with_the_parsed_types()
    {
        var h = BtfCHeader.ParseText("enum color { RED, GREEN = 7 };\nstruct rec { int pid; char comm[8]; enum color c; unsigned flag : 1; unsigned level : 3; };", NoKernel);
        var rec = h.Find("rec")!;
        var bytes = new byte[h.Btf.SizeOf(rec.Id)];
        BtfValueCodec.Encode(h.Btf, rec.Id, new Dictionary<string, object?> { ["pid"] = 42, ["comm"] = "bash", ["c"] = "GREEN", ["flag"] = 1, ["level"] = 5 }, bytes);
        Assert.Equal(42, BitConverter.ToInt32(bytes, 0));
        Assert.Equal(7, BitConverter.ToInt32(bytes, 12));
        Assert.Equal(1 | (5 << 1), bytes[16]);
        var decoded = (System.Collections.IDictionary)BtfValueCodec.Decode(h.Btf, rec.Id, bytes)!;
        Assert.Equal((42, "bash", "GREEN"), ((int)decoded["pid"]!, (string)decoded["comm"]!, (string)decoded["c"]!));
        Assert.Equal("5", Convert.ToString(decoded["level"], System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void Constant_expressions_take_casts_sizeof_macros_and_earlier_enumerators()
    {
        var h = BtfCHeader.ParseText("""
            #define BIT(n) (1 << (n))
            #define TOP ((__u64)1 << 63)
            #define MINUS1 ((__u8)-1)
            #define SIGNED ((signed char)200)
            struct s2 { char c[MINUS1]; int i; };
            enum e { A = 3, B = A * 4 + (2 << 1), C = sizeof(struct s2) };
            enum wide { W = TOP };
            enum neg { N = SIGNED };
            """, NoKernel);
        var e = (BtfEnum)h.Find("enum e")!;
        Assert.Equal([3L, 16L, 260L], e.Values.Select(v => v.Value));
        Assert.Equal(long.MinValue, ((BtfEnum)h.Find("enum wide")!).Values[0].Value);
        Assert.Equal(8u, ((BtfEnum)h.Find("enum wide")!).Size);
        Assert.Equal(-56L, ((BtfEnum)h.Find("enum neg")!).Values[0].Value);
    }

    [Fact]
    public void Find_takes_the_C_spelling_or_the_bare_name()
    {
        var h = BtfCHeader.ParseText("struct a { int x; }; union u { int y; }; typedef struct a a_t; enum e { E1 };", NoKernel);
        Assert.Equal(BtfKind.Struct, h.Find("a")!.Kind);
        Assert.Equal(BtfKind.Struct, h.Find("struct  a")!.Kind);
        Assert.Equal(BtfKind.Union, h.Find("u")!.Kind);
        Assert.Equal(BtfKind.Typedef, h.Find("a_t")!.Kind);
        Assert.Equal(BtfKind.Enum, h.Find("enum e")!.Kind);
        Assert.Null(h.Find("union a"));
        Assert.Null(h.Find("nothing"));
    }
}
