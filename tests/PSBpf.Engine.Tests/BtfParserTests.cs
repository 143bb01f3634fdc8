using System.Buffers.Binary;
using System.Text.Json;
using PSBpf.Engine.Btf;
using PSBpf.Engine.Elf;

namespace PSBpf.Engine.Tests;

/// <summary>
/// The BTF parser against bpftool's raw dump (`bpftool -j btf dump file X`): every type of every fixture's .BTF and of the
/// running kernel's vmlinux BTF must have the same kind, name and kind-specific fields.
/// </summary>
public class BtfParserTests
{
    public static IEnumerable<object[]> Objects => Fixtures.ObjectNames();

    [Theory]
    [MemberData(nameof(Objects))]
    public void FixtureBtfMatchesBpftool(string name)
    {
        var path = Fixtures.Object(name);
        using var elf = ElfFile.Open(path);
        var btf = BtfSpec.Parse(elf.FindSection(".BTF")!.Data, path);
        using var dump = Bpftool.Json("btf", "dump", "file", path);
        AssertSame(btf, dump);
    }

    /// <summary>Encoding the parsed model reproduces clang's .BTF byte for byte (what the load phase uploads, before fixups).</summary>
    [Theory]
    [MemberData(nameof(Objects))]
    public void EncoderRoundTripsFixtureBtf(string name)
    {
        using var elf = ElfFile.Open(Fixtures.Object(name));
        var raw = elf.FindSection(".BTF")!.Data.ToArray();
        var encoded = new BtfEncoder(BtfSpec.Parse(raw, name)).Encode();
        Assert.Equal(raw, encoded);
    }

    [Fact]
    public void EncoderRoundTripsKernelBtf()
    {
        var raw = File.ReadAllBytes("/sys/kernel/btf/vmlinux");
        Assert.True(raw.AsSpan().SequenceEqual(new BtfEncoder(BtfSpec.Parse(raw, "vmlinux")).Encode()));
    }

    [Fact]
    public void KernelBtfMatchesBpftool()
    {
        var btf = BtfSpec.Load("/sys/kernel/btf/vmlinux");
        using var dump = Bpftool.Json("btf", "dump", "file", "/sys/kernel/btf/vmlinux");
        AssertSame(btf, dump);
    }

    [Fact]
    public void KernelLookupsAndResolution()
    {
        var btf = BtfSpec.Load("/sys/kernel/btf/vmlinux");
        var task = Assert.IsType<BtfComposite>(btf.FindByName("task_struct", BtfKind.Struct));
        Assert.Contains(task.Members, m => m.Name == "pid");
        Assert.Equal(task.Size, (uint)btf.SizeOf(task.Id));
        Assert.Null(btf.FindByName("task_struct", BtfKind.Union));
        Assert.Null(btf.FindByName("no_such_type_psbpf", BtfKind.Struct));
        var pidT = btf.FindByName("pid_t", BtfKind.Typedef)!;
        Assert.Equal(4, btf.SizeOf(pidT.Id));
        Assert.IsType<BtfInt>(btf.Resolve(pidT.Id));
        Assert.Equal(task.Id, btf.FindAllByName("task_struct").Single(id => btf.KindOf(id) == BtfKind.Struct));
    }

    [Fact]
    public void NameLookupsByScanAndByIndexAgree()
    {
        // the first lookups of a BTF scan its types, later ones build and use the name index: same ids, same order
        var reference = BtfSpec.Load("/sys/kernel/btf/vmlinux");
        var repeated = reference.GetTypes().Where(t => t.Name.Length > 0).GroupBy(t => t.Name).Where(g => g.Count() > 1)
            .Select(g => g.Key).Order(StringComparer.Ordinal).Take(6).ToArray();
        Assert.Equal(6, repeated.Length);
        string[] names = [.. repeated, "task_struct", "u32", "no_such_type_anywhere", "task_struc", "task_struct_x"];
        var scanned = BtfSpec.Load("/sys/kernel/btf/vmlinux");
        var scans = names.Take(8).Select(scanned.FindAllByName).ToList();
        var indexed = BtfSpec.Load("/sys/kernel/btf/vmlinux");
        for (int i = 0; i < 9; i++) indexed.FindAllByName("warm_up_the_index"); // past the scans: the index is built
        foreach (var (name, i) in names.Select((n, i) => (n, i)))
        {
            var byIndex = indexed.FindAllByName(name);
            Assert.Equal(byIndex, i < 8 ? scans[i] : scanned.FindAllByName(name));
            Assert.All(byIndex, id => Assert.Equal(name, reference[id].Name));
        }

        Assert.True(indexed.FindAllByName(repeated[0]).Length > 1);
        Assert.Empty(indexed.FindAllByName("task_struc"));
    }

    /// <summary>
    /// The open phase validates BTF in place instead of decoding every type: for corrupted copies of every fixture's
    /// .BTF (type ids, name offsets and vlen-entry fields overwritten), Validate fails exactly where decoding every type
    /// fails, with the same message, and passes exactly where decoding passes.
    /// </summary>
    [Fact]
    public void ValidationInPlaceRejectsWhatDecodingRejects()
    {
        var rng = new Random(20261204);
        int rejected = 0, accepted = 0;
        foreach (var name in Fixtures.ObjectNames().Select(o => (string)o[0]))
        {
            using var elf = ElfFile.Open(Fixtures.Object(name));
            var raw = elf.FindSection(".BTF")!.Data.ToArray();
            uint hdr = BinaryPrimitives.ReadUInt32LittleEndian(raw.AsSpan(4));
            uint typeOff = BinaryPrimitives.ReadUInt32LittleEndian(raw.AsSpan(8)), typeLen = BinaryPrimitives.ReadUInt32LittleEndian(raw.AsSpan(12));
            for (int i = 0; i < 60; i++)
            {
                var bad = (byte[])raw.Clone();
                int at = (int)(hdr + typeOff) + rng.Next((int)typeLen / 4) * 4;
                uint value = rng.Next(3) switch { 0 => (uint)rng.Next(1, 4096), 1 => (uint)rng.Next(), _ => 0xffffff00u | (uint)rng.Next(256) };
                BinaryPrimitives.WriteUInt32LittleEndian(bad.AsSpan(at), value);
                BtfSpec a, b;
                try { a = BtfSpec.Parse(bad, name); b = BtfSpec.Parse(bad, name); }
                catch (BpfFormatException) { continue; } // the record layout itself broke: Parse's own checks, the same for both

                string? byValidation = Failure(() => a.Validate());
                string? byDecoding = Failure(() => { foreach (var _ in b.GetTypes()) { } });
                Assert.True(byDecoding == byValidation, $"{name}, 0x{value:x8} at 0x{at:x}: decoding says '{byDecoding}', validation says '{byValidation}'");
                if (byValidation is null) accepted++; else rejected++;
            }
        }

        // both outcomes must have been exercised, or the comparison shows nothing
        Assert.True(rejected > 50 && accepted > 50, $"{rejected} rejected, {accepted} accepted");

        static string? Failure(Action action)
        {
            try { action(); return null; }
            catch (BpfFormatException e) { return e.Message; }
        }
    }

    [Fact]
    public void SplitBtfContinuesBaseIdsAndStrings()
    {
        var vmlinux = BtfSpec.Load("/sys/kernel/btf/vmlinux");
        var intId = vmlinux.FindByName("int", BtfKind.Int)!.Id;
        // A module-style split blob: one new string, a typedef of the base's int and a pointer to the typedef.
        var strings = "\0psbpf_mod_t\0"u8.ToArray();
        var types = new List<byte>();
        void U32(uint v) => types.AddRange(BitConverter.GetBytes(v));
        U32(vmlinux.StringsLength + 1); U32((uint)BtfKind.Typedef << 24); U32(intId);
        U32(0); U32((uint)BtfKind.Pointer << 24); U32((uint)vmlinux.Count);
        var blob = new List<byte>();
        blob.AddRange(BitConverter.GetBytes((ushort)0xeB9F)); blob.Add(1); blob.Add(0);
        blob.AddRange(BitConverter.GetBytes(24u)); blob.AddRange(BitConverter.GetBytes(0u)); blob.AddRange(BitConverter.GetBytes((uint)types.Count));
        blob.AddRange(BitConverter.GetBytes((uint)types.Count)); blob.AddRange(BitConverter.GetBytes((uint)strings.Length));
        blob.AddRange(types); blob.AddRange(strings);
        var split = BtfSpec.Parse(blob.ToArray(), "module", vmlinux);
        Assert.Equal((uint)vmlinux.Count, split.FirstTypeId);
        Assert.Equal(vmlinux.Count + 2, split.Count);
        var td = Assert.IsType<BtfTypedef>(split[(uint)vmlinux.Count]);
        Assert.Equal("psbpf_mod_t", td.Name);
        Assert.Equal(4, split.SizeOf(td.Id));
        Assert.Equal(td.Id, split.FindByName("psbpf_mod_t", BtfKind.Typedef)!.Id);
        Assert.Equal(vmlinux.FindByName("task_struct", BtfKind.Struct)!.Id, split.FindByName("task_struct", BtfKind.Struct)!.Id);
        Assert.Same(vmlinux[intId], split[intId]);
    }

    [Fact]
    public void BtfExtOfBootstrapHasFuncLineAndCoreRecords()
    {
        using var o = BpfObject.Open(Fixtures.Object("bootstrap"));
        var exec = o.Programs["handle_exec"];
        Assert.Equal(0, exec.FuncInfos[0].InstructionOffset);
        Assert.Equal("handle_exec", o.Btf![exec.FuncInfos[0].TypeId].Name);
        Assert.NotEmpty(exec.LineInfos);
        Assert.All(exec.LineInfos, l => Assert.InRange(l.InstructionOffset, 0, exec.InstructionCount - 1));
        var exit = o.Programs["handle_exit"];
        Assert.Contains(exit.CoreRelocations, c => c.Kind == BtfCoreRelocationKind.FieldByteOffset && o.Btf[c.TypeId].Name == "task_struct");
    }

    private static void AssertSame(BtfSpec btf, JsonDocument dump)
    {
        var types = dump.RootElement.GetProperty("types");
        Assert.Equal(types.GetArrayLength() + 1, btf.Count);
        foreach (var e in types.EnumerateArray())
        {
            uint id = e.GetProperty("id").GetUInt32();
            var t = btf[id];
            string where = $"{btf.Source} [{id}]";
            Assert.True(KindName(t.Kind) == e.GetProperty("kind").GetString(), $"{where}: kind {t.Kind} vs {e.GetProperty("kind")}");
            Assert.True((t.Name.Length == 0 ? "(anon)" : t.Name) == e.GetProperty("name").GetString(), $"{where}: name '{t.Name}' vs {e.GetProperty("name")}");
            switch (t)
            {
                case BtfInt i:
                    Eq(where, i.Size, e, "size"); Eq(where, i.BitOffset, e, "bits_offset"); Eq(where, i.Bits, e, "nr_bits");
                    string enc = (i.Encoding & BtfIntEncoding.Signed) != 0 ? "SIGNED" : (i.Encoding & BtfIntEncoding.Char) != 0 ? "CHAR" : (i.Encoding & BtfIntEncoding.Bool) != 0 ? "BOOL" : "(none)";
                    Assert.True(enc == e.GetProperty("encoding").GetString(), $"{where}: encoding");
                    break;
                case BtfArray a:
                    Eq(where, a.ElementTypeId, e, "type_id"); Eq(where, a.IndexTypeId, e, "index_type_id"); Eq(where, a.Count, e, "nr_elems");
                    break;
                case BtfComposite c:
                    Eq(where, c.Size, e, "size");
                    var members = e.GetProperty("members").EnumerateArray().ToList();
                    Assert.Equal(members.Count, c.Members.Count);
                    for (int k = 0; k < members.Count; k++)
                    {
                        var m = c.Members[k];
                        Assert.Equal(members[k].GetProperty("name").GetString(), m.Name.Length == 0 ? "(anon)" : m.Name);
                        Eq(where, m.TypeId, members[k], "type_id"); Eq(where, m.BitOffset, members[k], "bits_offset");
                        Assert.Equal(members[k].TryGetProperty("bitfield_size", out var bf) ? bf.GetUInt32() : 0u, m.BitfieldSize);
                    }

                    break;
                case BtfEnum en:
                    Eq(where, en.Size, e, "size");
                    var values = e.GetProperty("values").EnumerateArray().ToList();
                    Assert.Equal(values.Count, en.Values.Count);
                    for (int k = 0; k < values.Count; k++)
                    {
                        Assert.Equal(values[k].GetProperty("name").GetString(), en.Values[k].Name);
                        var val = values[k].GetProperty("val");
                        long expected = val.TryGetInt64(out var l) ? l : (long)val.GetUInt64();
                        // bpftool 7.1 prints 32-bit enumerators sign-extended to 64 bits even for unsigned enums; compare the 32 stored bits.
                        bool same = en.Kind == BtfKind.Enum ? (uint)expected == (uint)en.Values[k].Value : expected == en.Values[k].Value;
                        Assert.True(same, $"{where}: enumerator {en.Values[k].Name} = {en.Values[k].Value} vs {val}");
                    }

                    Assert.Equal(e.GetProperty("encoding").GetString() == "SIGNED", en.IsSigned);
                    break;
                case BtfFuncProto fp:
                    Eq(where, fp.ReturnTypeId, e, "ret_type_id");
                    var ps = e.GetProperty("params").EnumerateArray().ToList();
                    Assert.Equal(ps.Count, fp.Parameters.Count);
                    for (int k = 0; k < ps.Count; k++)
                    {
                        Eq(where, fp.Parameters[k].TypeId, ps[k], "type_id");
                        Assert.Equal(ps[k].GetProperty("name").GetString(), fp.Parameters[k].Name.Length == 0 ? "(anon)" : fp.Parameters[k].Name);
                    }

                    break;
                case BtfFunc f:
                    Eq(where, f.TypeId, e, "type_id");
                    Assert.Equal(e.GetProperty("linkage").GetString(), f.Linkage.ToString().ToLowerInvariant());
                    break;
                case BtfVar v:
                    Eq(where, v.TypeId, e, "type_id");
                    Assert.Equal(e.GetProperty("linkage").GetString(), v.Linkage switch { BtfLinkage.Global => "global", BtfLinkage.Static => "static", _ => "extern" });
                    break;
                case BtfDatasec d:
                    Eq(where, d.Size, e, "size");
                    var vars = e.GetProperty("vars").EnumerateArray().ToList();
                    Assert.Equal(vars.Count, d.Variables.Count);
                    for (int k = 0; k < vars.Count; k++)
                    {
                        Eq(where, d.Variables[k].TypeId, vars[k], "type_id"); Eq(where, d.Variables[k].Offset, vars[k], "offset"); Eq(where, d.Variables[k].Size, vars[k], "size");
                    }

                    break;
                case BtfFloat fl:
                    Eq(where, fl.Size, e, "size");
                    break;
                case BtfDeclTag dt:
                    Eq(where, dt.TypeId, e, "type_id");
                    Assert.Equal(e.GetProperty("component_idx").GetInt32(), dt.ComponentIndex);
                    break;
                case BtfForward fw:
                    Assert.Equal(e.GetProperty("fwd_kind").GetString(), fw.IsUnion ? "union" : "struct");
                    break;
                case BtfReference r:
                    Eq(where, r.TypeId, e, "type_id");
                    break;
            }
        }
    }

    private static void Eq(string where, uint actual, JsonElement e, string prop) =>
        Assert.True(e.GetProperty(prop).GetUInt32() == actual, $"{where}: {prop} {actual} vs {e.GetProperty(prop)}");

    private static string KindName(BtfKind k) => k switch
    {
        BtfKind.Pointer => "PTR",
        BtfKind.Forward => "FWD",
        BtfKind.FuncProto => "FUNC_PROTO",
        BtfKind.DeclTag => "DECL_TAG",
        BtfKind.TypeTag => "TYPE_TAG",
        _ => k.ToString().ToUpperInvariant(),
    };

    [Fact]
    public void TypesSmallerThanTheChunkGuessGrowTheirChunks()
    {
        // 20,000 pointers of 12 bytes, each to the one before: the index guesses 48 bytes a type for each chunk and must
        // grow the chunks (5,000 -> 8,192 slots, then 2,952 -> 5,904, then 904 -> 1,808 -> 3,616) without losing a type
        const int n = 20000;
        var blob = new byte[24 + n * 12 + 1];
        BitConverter.GetBytes((ushort)0xeB9F).CopyTo(blob, 0);
        blob[2] = 1;
        BitConverter.GetBytes(24u).CopyTo(blob, 4);
        BitConverter.GetBytes((uint)(n * 12)).CopyTo(blob, 12);
        BitConverter.GetBytes((uint)(n * 12)).CopyTo(blob, 16);
        BitConverter.GetBytes(1u).CopyTo(blob, 20);
        for (int i = 0; i < n; i++)
        {
            BitConverter.GetBytes((uint)BtfKind.Pointer << 24).CopyTo(blob, 24 + i * 12 + 4);
            BitConverter.GetBytes((uint)i).CopyTo(blob, 24 + i * 12 + 8); // type i + 1 points to type i
        }

        var btf = BtfSpec.Parse(blob, "pointers");
        btf.Validate();
        Assert.Equal(n + 1, btf.Count);
        foreach (uint id in new uint[] { 1, 2, 4999, 5000, 5001, 8191, 8192, 8193, 8194, 11145, 16384, 16385, 17289, 19999, 20000 })
        {
            var p = Assert.IsType<BtfPointer>(btf[id]);
            Assert.Equal(id - 1, p.TypeId);
        }
    }
}
