namespace PSBpf.Engine;

/// <summary>How a histogram's buckets divide the values.</summary>
// 64-bit so that PowerShell's ConvertTo-Json writes the name, not the number (see docs/json-examples.md).
public enum BpfHistogramKind : ulong
{
    /// <summary>Power-of-two buckets: bucket 0 holds 0 and 1, bucket i (i ≥ 1) holds 2^i to 2^(i+1) - 1.</summary>
    Log2 = 0,
    /// <summary>Buckets of equal width: bucket i holds base + i * step to base + (i + 1) * step - 1.</summary>
    Linear = 1,
}
