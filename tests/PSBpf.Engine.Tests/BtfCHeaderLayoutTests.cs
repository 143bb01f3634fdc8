using PSBpf.Engine.Btf;

namespace PSBpf.Engine.Tests;

/// <summary>
/// Types read from C headers lay out exactly as clang lays them out: each header is compiled with
/// <c>clang-14 -g -target bpf</c> on a small .c that anchors every type the parser found (a global pointer to it), and
/// the object's BTF is compared with the parsed BTF, type by type: sizes, member names, bit offsets, bitfield sizes,
/// array lengths, enum sizes and values, recursively through members.
/// </summary>
public sealed class BtfCHeaderLayoutTests
{
    public static IEnumerable<object[]> Headers() =>
    [
        ["tests/fixtures/bootstrap.h"],
        ["tests/fixtures/perfbuf.h"],
        ["tests/fixtures/cheader/torture.h"],
        ["tests/fixtures/cheader/tools.h"],
    ];

    [Theory]
    [MemberData(nameof(Headers))]
    public void Layouts_equal_clangs(string header)
    {
        string path = Path.Combine(Fixtures.RepoRoot, header);
        var parsed = BtfCHeader.Load(path);
        string obj = Compile(path, parsed);
        try
        {
            using var compiled = BpfObject.Open(obj);
            Compare(parsed, compiled.Btf!);
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(obj)!, recursive: true);
        }
    }

    private static void Compare(BtfCHeader parsed, BtfSpec clang)
    {
        int compared = 0;
        foreach (var t in parsed.Types)
        {
            var theirs = clang.FindByName(t.Name, t.Kind) ?? (t.Kind == BtfKind.Enum64 ? clang.FindByName(t.Name, BtfKind.Enum) : null);
            Assert.True(theirs is not null, $"clang's BTF has no {t.Kind} {t.Name}");
            Same(parsed.Btf, t.Id, clang, theirs.Id, t.ToString(), []);
            compared++;
        }

        Assert.True(compared >= 1 && compared == parsed.Types.Count, $"{compared} types compared");
    }

    [Fact]
    public void The_torture_header_covers_what_it_claims()
    {
        var parsed = BtfCHeader.Load(Path.Combine(Fixtures.RepoRoot, "tests/fixtures/cheader/torture.h"));
        var bits = (BtfComposite)parsed.Find("bits")!;
        Assert.True(bits.HasBitfieldEncoding);
        var f = bits.Members.Single(m => m.Name == "f");
        Assert.Equal((86u, 40u), (f.BitOffset, f.BitfieldSize)); // worked by hand from the System V rules; clang agrees above
        Assert.Equal(8u, ((BtfEnum)parsed.Find("enum big")!).Size);
        Assert.Equal(1u, ((BtfEnum)parsed.Find("enum tiny")!).Size);
        Assert.Equal(2u, ((BtfEnum)parsed.Find("enum tiny_signed")!).Size);
        Assert.Equal(26L, ((BtfEnum)parsed.Find("enum small")!).Values.Single(v => v.Name == "SMALL_D").Value);
        Assert.Equal(32u, ((BtfComposite)parsed.Find("aligned_rec")!).Size);
        Assert.Contains(parsed.Files, f => f.EndsWith("torture_common.h", StringComparison.Ordinal));
        // a struct only declared, used through a pointer: the kernel's own task_struct
        var task = ((BtfPointer)parsed.Btf.Resolve(((BtfComposite)parsed.Find("arrays")!).Members.Single(m => m.Name == "task").TypeId)).Type;
        Assert.Equal(BtfKind.Struct, task.Kind);
        Assert.NotSame(parsed.Btf, task.Owner);
    }

    /// <summary>Compiles a .c that includes <paramref name="header"/> and anchors each parsed type in a global.</summary>
    private static string Compile(string header, BtfCHeader parsed)
    {
        string dir = Path.Combine(Path.GetTempPath(), $"psbpf-cheader-{Environment.ProcessId}-{Path.GetFileNameWithoutExtension(header)}");
        Directory.CreateDirectory(dir);
        var c = new List<string>
        {
            // what a BPF program has in scope before its shared header: the uapi fixed-width types, bool, and the
            // kernel and stdint spellings (as linux/types.h and glibc define them)
            "#include <linux/types.h>",
            "#include <stdbool.h>",
            "typedef __u8 u8; typedef __s8 s8; typedef __u16 u16; typedef __s16 s16; typedef __u32 u32; typedef __s32 s32; typedef __u64 u64; typedef __s64 s64;",
            "typedef unsigned char uint8_t; typedef signed char int8_t; typedef unsigned short uint16_t; typedef short int16_t;",
            "typedef unsigned int uint32_t; typedef int int32_t; typedef unsigned long uint64_t; typedef long int64_t;",
            "typedef int pid_t;",
            $"#include \"{header}\"",
        };
        int n = 0;
        foreach (var name in parsed.Names)
        {
            if (parsed.Find(name) is not { } t || !parsed.Types.Contains(t)) continue;
            c.Add($"{name} *psbpf_anchor_{n++};");
        }

        string source = Path.Combine(dir, "anchor.c"), obj = Path.Combine(dir, "anchor.o");
        File.WriteAllLines(source, c);
        string multiarch = Sh.Run("gcc", "-print-multiarch").Trim();
        Sh.Run("clang-14", "-g", "-O2", "-target", "bpf", "-I", $"/usr/include/{multiarch}", "-c", source, "-o", obj);
        return obj;
    }

    private static void Same(BtfSpec a, uint ia, BtfSpec b, uint ib, string path, HashSet<(uint, uint)> seen)
    {
        var ta = a.Resolve(ia);
        var tb = b.Resolve(ib);
        if (!seen.Add((ta.Id, tb.Id))) return;
        Assert.True(a.SizeOfOrNull(ta) == b.SizeOfOrNull(tb), $"{path}: size {a.SizeOfOrNull(ta)}, clang {b.SizeOfOrNull(tb)}");
        switch (ta)
        {
            case BtfInt i:
                var j = Assert.IsType<BtfInt>(tb);
                Assert.True(i.Name == j.Name && i.Size == j.Size && i.Bits == j.Bits && i.Encoding == j.Encoding,
                    $"{path}: {i.Name} size {i.Size} bits {i.Bits} {i.Encoding}, clang {j.Name} size {j.Size} bits {j.Bits} {j.Encoding}");
                return;
            case BtfFloat f:
                Assert.Equal(f.Size, Assert.IsType<BtfFloat>(tb).Size);
                return;
            case BtfPointer p:
            {
                var q = Assert.IsType<BtfPointer>(tb);
                var pt = a.Resolve(p.TypeId);
                var qt = b.Resolve(q.TypeId);
                // a tag the header only declares: clang emits a forward, the parser takes the kernel's type
                if (pt is BtfForward || qt is BtfForward || !ReferenceEquals(pt.Owner, a))
                {
                    Assert.Equal(qt.Name, pt.Name);
                    return;
                }

                if (pt is BtfFuncProto)
                {
                    Assert.IsType<BtfFuncProto>(qt);
                    return;
                }

                Same(a, p.TypeId, b, q.TypeId, path + "*", seen);
                return;
            }
            case BtfArray x:
            {
                var y = Assert.IsType<BtfArray>(tb);
                Assert.True(x.Count == y.Count, $"{path}: array of {x.Count}, clang {y.Count}");
                Same(a, x.ElementTypeId, b, y.ElementTypeId, path + "[]", seen);
                return;
            }
            case BtfComposite s:
            {
                var r = Assert.IsType<BtfComposite>(tb);
                Assert.True(s.Kind == r.Kind && s.Name == r.Name, $"{path}: {s.Kind} {s.Name}, clang {r.Kind} {r.Name}");
                Assert.True(s.Members.Count == r.Members.Count, $"{path}: {s.Members.Count} members ({string.Join(",", s.Members.Select(m => m.Name))}), clang {r.Members.Count} ({string.Join(",", r.Members.Select(m => m.Name))})");
                for (int k = 0; k < s.Members.Count; k++)
                {
                    var m = s.Members[k];
                    var o = r.Members[k];
                    string at = $"{path}.{(m.Name.Length > 0 ? m.Name : $"<anon {k}>")}";
                    Assert.True(m.Name == o.Name && m.BitOffset == o.BitOffset && m.BitfieldSize == o.BitfieldSize,
                        $"{at}: '{m.Name}' at bit {m.BitOffset} width {m.BitfieldSize}, clang '{o.Name}' at bit {o.BitOffset} width {o.BitfieldSize}");
                    Same(a, m.TypeId, b, o.TypeId, at, seen);
                }

                return;
            }
            case BtfEnum e:
            {
                var g = Assert.IsType<BtfEnum>(tb);
                Assert.True(e.Name == g.Name && e.Size == g.Size && e.Values.Count == g.Values.Count, $"{path}: enum {e.Name} size {e.Size}, clang {g.Name} size {g.Size}");
                for (int k = 0; k < e.Values.Count; k++)
                {
                    Assert.Equal(g.Values[k].Name, e.Values[k].Name);
                    // clang-14 has no ENUM64: it keeps the low 32 bits of 8-byte enums' values
                    long mine = g.Kind == BtfKind.Enum ? (long)(uint)e.Values[k].Value : e.Values[k].Value;
                    long theirs = g.Kind == BtfKind.Enum ? (long)(uint)g.Values[k].Value : g.Values[k].Value;
                    Assert.True(mine == theirs, $"{path}: {e.Values[k].Name} = {e.Values[k].Value}, clang {g.Values[k].Value}");
                }

                return;
            }
            case BtfFuncProto:
                Assert.IsType<BtfFuncProto>(tb);
                return;
            default:
                Assert.Fail($"{path}: unexpected {ta.Kind}");
                return;
        }
    }
}

internal static class BtfSizeExtensions
{
    public static long? SizeOfOrNull(this BtfSpec btf, BtfType t)
    {
        try
        {
            return t is BtfFuncProto or BtfForward or BtfVoid ? null : btf.SizeOf(t.Id);
        }
        catch (BpfFormatException)
        {
            return null;
        }
    }
}
