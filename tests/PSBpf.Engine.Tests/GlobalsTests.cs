using System.Collections;
using System.Collections.Specialized;
using PSBpf.Engine.Btf;

namespace PSBpf.Engine.Tests;

/// <summary>Global variables at open: values decoded through BTF, and BTF-typed setting before load (sections.bpf.c).</summary>
public class GlobalsTests
{
    private static BpfObject Open() => BpfObject.Open(Fixtures.Object("sections"));

    [Fact]
    public void InitialValuesDecodeThroughBtf()
    {
        using var o = Open();
        Assert.Equal(42, o.Globals["data_counter"].Value);
        Assert.Equal("hello, bpf", o.Globals["data_greeting"].Value);
        Assert.Equal(true, o.Globals["data_flag"].Value);
        Assert.Equal("PSBPF_MODE_SLOW", o.Globals["data_mode"].Value);
        Assert.Equal(new object[] { -1L, 0L, long.MaxValue }, (object?[])o.Globals["data_signed"].Value!);
        var origin = Assert.IsType<OrderedDictionary>(o.Globals["data_origin"].Value);
        Assert.Equal(-1, origin["x"]);
        Assert.Equal(7, origin["y"]);
        var cfg = Assert.IsType<OrderedDictionary>(o.Globals["ro_config"].Value);
        Assert.Equal(new object?[] { "version", "port", "flags", "limit", "label", "enabled" }, cfg.Keys.Cast<object>().ToArray());
        Assert.Equal((byte)3, cfg["version"]);
        Assert.Equal((ushort)8080, cfg["port"]);
        Assert.Equal(0x80000001u, cfg["flags"]);
        Assert.Equal(1UL << 40, cfg["limit"]);
        Assert.Equal("cfg", cfg["label"]);
        Assert.Equal(0UL, o.Globals["bss_events"].Value);
        Assert.Equal("custom", o.Globals["custom_ro_str"].Value);
        Assert.Equal(".rodata.custom", o.Globals["custom_ro_str"].Section);
        Assert.True(o.Globals["ro_limit"].IsReadOnly);
        Assert.False(o.Globals["data_counter"].IsReadOnly);
    }

    [Fact]
    public void StaticVariablesAreNotGlobals()
    {
        using var o = Open();
        Assert.False(o.Globals.Contains("static_counter"));
        Assert.DoesNotContain(o.Globals, g => g.Name.Contains("____fmt", StringComparison.Ordinal));
    }

    [Fact]
    public void SettingEncodesIntoTheMapImage()
    {
        using var o = Open();
        o.Globals["ro_limit"].Value = 7;
        o.Globals["ro_mode"].Value = "PSBPF_MODE_OFF";
        o.Globals["ro_name"].Value = "pwsh";
        o.Globals["ro_enabled"].Value = false;
        o.Globals["bss_hist"].Value = new[] { 1, 2, 3 };
        o.Globals["ro_config"].Value = new Hashtable { ["Port"] = 443, ["label"] = "tls" };
        Assert.Equal(7u, o.Globals["ro_limit"].Value);
        Assert.Equal("PSBPF_MODE_OFF", o.Globals["ro_mode"].Value);
        Assert.Equal("pwsh", o.Globals["ro_name"].Value);
        Assert.Equal(false, o.Globals["ro_enabled"].Value);
        Assert.Equal(new object[] { 1u, 2u, 3u, 0u, 0u, 0u, 0u, 0u }, (object?[])o.Globals["bss_hist"].Value!);
        var cfg = (OrderedDictionary)o.Globals["ro_config"].Value!;
        Assert.Equal((ushort)443, cfg["port"]);
        Assert.Equal("tls", cfg["label"]);
        Assert.Equal((byte)3, cfg["version"]); // members not named keep their value

        // the bytes land in the .rodata map image at the variable's offset
        var g = o.Globals["ro_limit"];
        var image = g.Map.GetInitialData()!;
        Assert.Equal(7u, BitConverter.ToUInt32(image, g.Offset));
    }

    [Theory]
    [InlineData("ro_limit", -1, "out of range")]
    [InlineData("ro_limit", 4294967296L, "out of range")]
    [InlineData("ro_mode", "PSBPF_MODE_TURBO", "not a member of enum psbpf_mode")]
    [InlineData("ro_name", "far too long for eight", "does not fit in char[8]")]
    [InlineData("ro_enabled", 2, "is not a bool")]
    [InlineData("data_counter", "forty-two", "is not a signed 32-bit integer")]
    public void BadValuesNameTheProblem(string name, object value, string message)
    {
        using var o = Open();
        var before = o.Globals[name].GetBytes();
        var e = Assert.Throws<BpfValueException>(() => o.Globals[name].Value = value);
        Assert.Contains(message, e.Message);
        Assert.StartsWith(name, e.Message);
        Assert.Equal(before, o.Globals[name].GetBytes()); // nothing written on failure
    }

    [Fact]
    public void StructErrorsNameTheField()
    {
        using var o = Open();
        var e = Assert.Throws<BpfValueException>(() => o.Globals["ro_config"].Value = new Hashtable { ["nope"] = 1 });
        Assert.Equal("ro_config.nope", e.Path);
        e = Assert.Throws<BpfValueException>(() => o.Globals["ro_config"].Value = new Hashtable { ["version"] = 256 });
        Assert.Equal("ro_config.version", e.Path);
        e = Assert.Throws<BpfValueException>(() => o.Globals["bss_hist"].Value = new object[] { 1, "x" });
        Assert.Equal("bss_hist[1]", e.Path);
    }

    [Fact]
    public void EveryGlobalRoundTrips()
    {
        using var o = Open();
        foreach (var g in o.Globals)
        {
            var bytes = g.GetBytes();
            g.Value = g.Value; // decode then encode must reproduce the exact bytes
            Assert.True(bytes.AsSpan().SequenceEqual(g.GetBytes()), $"{g.Name} did not round-trip");
        }
    }

    [Fact]
    public void MinimalPidGlobal()
    {
        using var o = BpfObject.Open(Fixtures.Object("minimal"));
        var g = o.Globals["my_pid"];
        Assert.Equal("minimal.bss", g.Map.Name);
        g.Value = Environment.ProcessId;
        Assert.Equal(Environment.ProcessId, g.Value);
        Assert.Equal("my_pid", o.Globals.Single().Name);
    }
}
