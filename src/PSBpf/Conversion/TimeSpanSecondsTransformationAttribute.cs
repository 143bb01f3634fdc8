using System.Globalization;
using System.Management.Automation;

namespace PSBpf.Conversion;

/// <summary>
/// Lets a TimeSpan parameter take a number of seconds (<c>-Timeout 5</c>, <c>-Timeout 0.5</c>) as well as a TimeSpan or
/// "hh:mm:ss" string. Without it PowerShell would turn the number 5 into 5 ticks.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
public sealed class TimeSpanSecondsTransformationAttribute : ArgumentTransformationAttribute
{
    /// <inheritdoc />
    public override object Transform(EngineIntrinsics engineIntrinsics, object inputData)
    {
        object value = inputData is PSObject ps ? ps.BaseObject : inputData;
        double? seconds = value switch
        {
            byte or sbyte or short or ushort or int or uint or long or ulong or float or double or decimal => Convert.ToDouble(value, CultureInfo.InvariantCulture),
            string s when double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) => d,
            _ => null,
        };

        if (seconds is not { } secs) return inputData; // TimeSpan, "00:00:05": PowerShell converts these itself
        if (double.IsNaN(secs) || secs < 0 || secs > TimeSpan.MaxValue.TotalSeconds)
        {
            throw new ArgumentTransformationMetadataException($"{value} is not a number of seconds from 0 to {TimeSpan.MaxValue.TotalSeconds:0}.");
        }

        return TimeSpan.FromSeconds(secs);
    }
}
