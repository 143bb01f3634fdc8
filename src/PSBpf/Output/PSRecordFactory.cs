using System.Collections;
using System.Collections.Specialized;
using System.Management.Automation;
using PSBpf.Engine.Btf;

namespace PSBpf.Output;

/// <summary>
/// Builds decoded structs, unions and DATASECs as ordered PSCustomObjects while the engine decodes them, so a map
/// value is built once in the shape PowerShell shows (the same shape <see cref="Conversion.PSValueConverter.ToPSValue"/>
/// gives a finished engine value).
/// </summary>
internal sealed class PSRecordFactory : BtfValueFactory
{
    private PSRecordFactory()
    {
    }

    /// <summary>
    /// Type name of a top-level record (a ring or perf buffer record), named in PSBpf.types.ps1xml so that remoting and
    /// Export-Clixml serialize its nested structs whole instead of as text.
    /// </summary>
    public const string RecordTypeName = "PSBpf.BpfRecord";

    /// <summary>The one instance.</summary>
    public static PSRecordFactory Instance { get; } = new();

    /// <inheritdoc />
    public override object Record(OrderedDictionary members)
    {
        var record = new PSObject();
        foreach (DictionaryEntry m in members)
        {
            record.Properties.Add(new PSNoteProperty((string)m.Key, m.Value));
        }

        return record;
    }
}
