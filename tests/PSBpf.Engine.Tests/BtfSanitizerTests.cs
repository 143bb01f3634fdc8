using PSBpf.Engine.Btf;
using PSBpf.Engine.Elf;

namespace PSBpf.Engine.Tests;

/// <summary>BTF sanitisation for older kernels: probes on this kernel, and loads with every kind declared missing.</summary>
[Collection(KernelCollection.Name)]
public class BtfSanitizerTests
{
    private static readonly BtfFeatures Nothing = new(false, false, false, false, false, false, false, false);

    [Fact]
    public void ThisKernelSupportsEveryKind() => Assert.Equal(BtfFeatures.All, PSBpf.Engine.Loader.KernelFeatures.Btf);

    [Fact]
    public void FullySupportedKernelGetsTheBlobUnchanged()
    {
        using var elf = ElfFile.Open(Fixtures.Object("sections"));
        var raw = elf.FindSection(".BTF")!.Data.ToArray();
        Assert.Same(raw, BtfSanitizer.Sanitize(raw, BtfFeatures.All));
    }

    [Theory]
    [InlineData("sections")]
    [InlineData("calls")]
    [InlineData("kconfig")]
    public void SanitizedBtfHasOnlyOldKindsAndKeepsIds(string fixture)
    {
        using var obj = BpfObject.Open(Fixtures.Object(fixture));
        var original = new BtfEncoder(obj.Btf!).Encode();
        var sanitized = BtfSpec.Parse(BtfSanitizer.Sanitize(original, Nothing), "sanitized");
        Assert.InRange(sanitized.Count, obj.Btf!.Count, obj.Btf.Count + 1);
        foreach (var t in sanitized.GetTypes())
        {
            Assert.DoesNotContain(t.Kind, new[] { BtfKind.Func, BtfKind.FuncProto, BtfKind.Var, BtfKind.Datasec, BtfKind.Float, BtfKind.DeclTag, BtfKind.TypeTag, BtfKind.Enum64 });
        }

        for (uint id = 1; id < obj.Btf.Count; id++)
        {
            var before = obj.Btf[id];
            if (before is BtfComposite or BtfInt or BtfPointer or BtfArray or BtfTypedef)
            {
                Assert.Equal(before.Kind, sanitized[id].Kind); // untouched kinds keep their ids
            }
        }
    }

    /// <summary>Without FUNC support there is no func_info either, so callbacks (calls) cannot exist; sections has none.</summary>
    [Theory]
    [InlineData(false, "sections", "touch_globals")]
    [InlineData(true, "calls", "on_getpid")]
    public void ObjectLoadsWithSanitizedBtf(bool func, string fixture, string program)
    {
        string expectedTag;
        using (var plain = BpfObject.Open(Fixtures.Object(fixture)))
        {
            plain.Load();
            expectedTag = plain.Programs[program].Tag!;
        }

        using var obj = BpfObject.Open(Fixtures.Object(fixture));
        var log = new List<string>();
        obj.Load(new BpfLoadOptions { BtfFeatures = Nothing with { Func = func }, Log = log.Add });
        Assert.Contains(log, l => l.StartsWith("BTF loaded", StringComparison.Ordinal)); // the kernel accepted the rewritten BTF
        Assert.Equal(expectedTag, obj.Programs[program].Tag);
    }
}
