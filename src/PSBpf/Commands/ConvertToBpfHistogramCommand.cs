using System.Collections;
using System.Globalization;
using System.Management.Automation;
using System.Numerics;
using PSBpf.Engine;
using PSBpf.Errors;
using PSBpf.Output;

namespace PSBpf.Commands;

/// <summary>
/// ConvertTo-BpfHistogram: turns map entries (Get-BpfMapEntry output) that hold histogram buckets into
/// <see cref="BpfHistogram"/> objects, whose default view draws them as libbpf-tools' print_log2_hist and
/// print_linear_hist do. Two forms: entries whose values are single counts, keyed by bucket index (an array map of
/// u64, as bpftrace and most tools keep them), become one histogram; entries whose values are arrays of counts, or
/// structs holding one (libbpf-tools' <c>struct hist { __u32 slots[N]; }</c>), become one histogram per key.
/// </summary>
[Cmdlet(VerbsData.ConvertTo, "BpfHistogram", DefaultParameterSetName = Log2Set)]
[OutputType(typeof(BpfHistogram))]
public sealed class ConvertToBpfHistogramCommand : BpfCmdletBase
{
    private const string Log2Set = "Log2";
    private const string LinearSet = "Linear";

    // a linear histogram of a million buckets is a mistake (a key that is no index), not a histogram
    private const int MaxLinearBuckets = 1 << 20;

    private readonly SortedDictionary<ulong, ulong> _byIndex = [];
    private bool? _perKey;

    /// <summary>Map entries: anything with Key and Value (Get-BpfMapEntry's BpfMapItem).</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
    [ValidateNotNull]
    public PSObject InputObject { get; set; } = null!;

    /// <summary>What the values are (usecs, bytes, …): the header of the range column.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string Unit { get; set; } = "value";

    /// <summary>Power-of-two buckets: bucket 0 holds 0 and 1, bucket i holds 2^i to 2^(i+1) - 1. The default.</summary>
    [Parameter(ParameterSetName = Log2Set)]
    public SwitchParameter Log2 { get; set; }

    /// <summary>Buckets of equal width (-Base, -Step) instead of powers of two.</summary>
    [Parameter(Mandatory = true, ParameterSetName = LinearSet)]
    public SwitchParameter Linear { get; set; }

    /// <summary>Linear histograms: the lowest value of bucket 0.</summary>
    [Parameter(ParameterSetName = LinearSet)]
    public ulong Base { get; set; }

    /// <summary>Linear histograms: the width of a bucket.</summary>
    [Parameter(ParameterSetName = LinearSet)]
    [ValidateRange(1UL, ulong.MaxValue)]
    public ulong Step { get; set; } = 1;

    /// <summary>Per-key histograms: the name the section header gives the key ("pid" gives "pid = 123").</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string KeyName { get; set; } = "key";

    /// <summary>Struct values: the member that holds the counts (by default "slots", or the struct's only array of integers).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? SlotProperty { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        try
        {
            Add(InputObject);
        }
        catch (HistogramInputException e)
        {
            WriteError(BpfErrorRecordFactory.Create(e, new BpfErrorInfo(BpfErrorIds.HistogramInputInvalid, BpfErrorCategory.InvalidArgument, e.Message), InputObject));
        }
    }

    /// <inheritdoc />
    protected override void EndProcessing()
    {
        if (_byIndex.Count == 0) return;
        var counts = new ulong[checked((int)_byIndex.Keys.Max() + 1)];
        foreach (var (index, count) in _byIndex) counts[index] = count;
        WriteObject(Build(counts, null, null));
    }

    private void Add(PSObject item)
    {
        var key = Member(item, "Key");
        var value = Member(item, "Value") ?? throw new HistogramInputException($"the input has no Value: {Describe(item)} is not a map entry (Get-BpfMapEntry output)");
        bool perCpu = item.BaseObject is BpfMapItem m && BpfMapAccess.IsPerCpu(m.Map.Type);
        var counts = perCpu ? SumPerCpu(value) : Counts(value);

        if (counts is ulong[] slots)
        {
            Mode(true, key);
            WriteObject(Build(slots, key, Label(key)));
            return;
        }

        Mode(false, key);
        ulong index = Count(key) ?? throw new HistogramInputException($"the key {Describe(key)} is no bucket index: entries with single counts need integer keys (an array map of counters)");
        ulong limit = Linear ? MaxLinearBuckets : (ulong)BpfHistogram.MaxLog2Buckets;
        if (index >= limit)
            throw new HistogramInputException($"the key {index} is past the last bucket: a {(Linear ? "linear" : "log2")} histogram has at most {limit} buckets");
        _byIndex[index] = checked((_byIndex.TryGetValue(index, out var c) ? c : 0) + (ulong)counts!);
    }

    private void Mode(bool perKey, object? key)
    {
        _perKey ??= perKey;
        if (_perKey != perKey)
            throw new HistogramInputException($"the entry with key {Describe(key)} has {(perKey ? "an array of counts" : "a single count")}, the entries before it {(perKey ? "single counts" : "arrays of counts")}: one histogram takes one form");
    }

    private BpfHistogram Build(ulong[] counts, object? key, string? label)
    {
        try
        {
            return Linear ? BpfHistogram.Linear(counts, Base, Step, Unit, key, label) : BpfHistogram.Log2(counts, Unit, key, label);
        }
        catch (ArgumentException e)
        {
            throw new HistogramInputException($"{(label ?? "the histogram")}: {e.Message}");
        }
    }

    /// <summary>A single count (ulong), an array of counts (ulong[]), from a value.</summary>
    private object Counts(object? value)
    {
        if (Count(value) is { } single) return single;
        return Slots(value) ?? throw new HistogramInputException($"the value {Describe(value)} holds no counts: expected an integer, an array of integers, or a struct with one (-SlotProperty)");
    }

    /// <summary>Per-CPU maps hold one value per CPU: add them up, bucket by bucket.</summary>
    private object SumPerCpu(object value)
    {
        if (Unwrap(value) is not IEnumerable cpus || cpus is string) return Counts(value);
        ulong total = 0;
        ulong[]? sum = null;
        foreach (var cpu in cpus)
        {
            switch (Counts(cpu))
            {
                case ulong c:
                    total = checked(total + c);
                    break;
                case ulong[] s:
                    sum ??= new ulong[s.Length];
                    for (int i = 0; i < Math.Min(s.Length, sum.Length); i++) sum[i] = checked(sum[i] + s[i]);
                    break;
            }
        }

        return sum is null ? total : sum;
    }

    private ulong[]? Slots(object? value)
    {
        if (value is PSObject { BaseObject: PSCustomObject } record)
        {
            if (SlotProperty is not null)
            {
                var named = record.Properties[SlotProperty] ?? throw new HistogramInputException($"the value {Describe(value)} has no member '{SlotProperty}' (-SlotProperty)");
                return Array(named.Value) ?? throw new HistogramInputException($"the member '{SlotProperty}' of {Describe(value)} is no array of counts");
            }

            if (record.Properties["slots"] is { } slots && Array(slots.Value) is { } s) return s;
            var arrays = record.Properties.Select(p => Array(p.Value)).Where(a => a is not null).ToList();
            return arrays.Count == 1 ? arrays[0] : null;
        }

        return Array(value);
    }

    private static ulong[]? Array(object? value)
    {
        if (Unwrap(value) is not IEnumerable items || items is string) return null;
        var counts = new List<ulong>();
        foreach (var item in items)
        {
            if (Count(item) is not { } c) return null;
            counts.Add(c);
        }

        return [.. counts];
    }

    /// <summary>A non-negative integer, or null for anything else; a negative integer is an error.</summary>
    private static ulong? Count(object? value)
    {
        var v = Unwrap(value);
        BigInteger? n = v switch
        {
            byte b => b,
            sbyte b => b,
            short s => s,
            ushort s => s,
            int i => i,
            uint i => i,
            long l => l,
            ulong l => l,
            BigInteger b => b,
            decimal d when decimal.Truncate(d) == d => new BigInteger(d), // PowerShell's type for integer literals past long
            _ => null,
        };
        if (n is not { } x) return null;
        if (x.Sign < 0) throw new HistogramInputException($"the count {x} is negative");
        return x <= ulong.MaxValue ? (ulong)x : throw new HistogramInputException($"the count {x} does not fit 64 bits");
    }

    private string? Label(object? key)
    {
        if (key is null) return null;
        if (key is PSObject { BaseObject: PSCustomObject } record)
            return string.Join(", ", record.Properties.Select(p => $"{p.Name} = {Text(p.Value)}"));
        return $"{KeyName} = {Text(key)}";
    }

    private static object? Member(PSObject item, string name) => item.Properties[name]?.Value;

    private static object? Unwrap(object? value) => value is PSObject { BaseObject: not PSCustomObject } p ? p.BaseObject : value;

    private static string Text(object? value) => LanguagePrimitives.ConvertTo<string>(value) ?? string.Empty;

    private static string Describe(object? value) => value is null ? "$null" : $"'{Text(value)}'";

    /// <summary>Input that is no histogram; reported as BpfHistogramInputInvalid.</summary>
    private sealed class HistogramInputException(string message) : ArgumentException(message);
}
