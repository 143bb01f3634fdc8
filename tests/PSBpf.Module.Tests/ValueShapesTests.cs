using System.Collections.Specialized;
using PSBpf.Conversion;

namespace PSBpf.Module.Tests;

/// <summary>
/// ValueShapes.MapRecords, the decoded-value walk that needs no PowerShell objects. How PowerShell's own values (PSObject,
/// PSCustomObject, hashtables, wrapped numbers) encode is tested in pwsh: tests/Set-BpfMapEntry.Tests.ps1.
/// </summary>
public sealed class ValueShapesTests
{
    [Fact]
    public void Decoded_structs_become_records_and_arrays_keep_their_shape()
    {
        var decoded = new OrderedDictionary { ["pid"] = 1, ["inner"] = new OrderedDictionary { ["x"] = 2 }, ["list"] = new object?[] { new OrderedDictionary { ["y"] = 3 }, 4 } };
        var mapped = ValueShapes.MapRecords(decoded, entries => entries.ToDictionary(e => e.Key, e => e.Value));
        var record = Assert.IsType<Dictionary<string, object?>>(mapped);
        Assert.Equal(1, record["pid"]);
        Assert.Equal(2, Assert.IsType<Dictionary<string, object?>>(record["inner"])["x"]);
        var list = Assert.IsType<object?[]>(record["list"]);
        Assert.Equal(3, Assert.IsType<Dictionary<string, object?>>(list[0])["y"]);
        Assert.Equal(4, list[1]);
        Assert.Equal("text", ValueShapes.MapRecords("text", _ => throw new InvalidOperationException()));
    }
}
