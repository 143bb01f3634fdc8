using System.Management.Automation;
using PSBpf.Conversion;
using PSBpf.Engine;
using PSBpf.Engine.Btf;
using PSBpf.Errors;

namespace PSBpf.Output;

/// <summary>
/// The member <c>$o.Globals.&lt;name&gt;</c>: a note property whose value is the global variable's value, read and written
/// through the engine. Reading decodes through BTF (structs as ordered PSCustomObjects); assigning converts the PowerShell
/// value (<see cref="PSValueConverter.ToEngineValue"/>) and encodes it through BTF into the object's data section.
/// </summary>
/// <remarks>
/// It derives from <see cref="PSNoteProperty"/> rather than <see cref="PSPropertyInfo"/> because PowerShell refuses to add
/// instance members whose MemberType is Property or Method, and everything that inspects note properties
/// (Get-Member, Select-Object, the serializer) reads them through the virtual <see cref="Value"/>.
/// A failed assignment throws a RuntimeException whose ErrorRecord has the ErrorId <see cref="BpfErrorIds.ValueInvalid"/>.
/// </remarks>
public sealed class BpfGlobalProperty : PSNoteProperty
{
    /// <summary>Creates the member for <paramref name="global"/>, named like it.</summary>
    public BpfGlobalProperty(BpfGlobal global)
        : base(ArgumentNullCheck(global).Name, null)
    {
        Global = global;
    }

    /// <summary>The engine's global variable.</summary>
    public BpfGlobal Global { get; }

    /// <summary>Gets true: globals can be assigned (read-only ones only until load, which the engine enforces).</summary>
    public override bool IsSettable => true;

    /// <summary>The decoded value; assigning encodes through BTF.</summary>
    public override object? Value
    {
        get
        {
            try
            {
                return PSValueConverter.ToPSValue(Global.Value);
            }
            catch (BpfValueException e)
            {
                throw new GetValueInvocationException($"Cannot decode global variable '{Name}': {e.Message}", e);
            }
        }

        set
        {
            try
            {
                Global.Value = PSValueConverter.ToEngineValue(value);
            }
            catch (Exception e) when (e is BpfValueException or InvalidOperationException)
            {
                var record = BpfErrorRecordFactory.Create(
                    e,
                    new BpfErrorInfo(BpfErrorIds.ValueInvalid, BpfErrorCategory.InvalidArgument, $"Cannot set global variable '{Name}' ({Global.Type}): {e.Message}"),
                    Name);
                throw new RuntimeException(record.ErrorDetails.Message, e, record);
            }
        }
    }

    /// <summary>The type name of the decoded value (e.g. System.Int32).</summary>
    public override string TypeNameOfValue
    {
        get
        {
            try
            {
                return Value?.GetType().FullName ?? typeof(object).FullName!;
            }
            catch (GetValueInvocationException)
            {
                return typeof(object).FullName!;
            }
        }
    }

    /// <inheritdoc />
    public override PSMemberInfo Copy() => new BpfGlobalProperty(Global);

    /// <summary>"int my_pid=0": the BTF type, name and value, like Get-Member shows note properties.</summary>
    public override string ToString()
    {
        object? value;
        try
        {
            value = Global.Value;
        }
        catch (BpfValueException)
        {
            value = "?";
        }

        return $"{Global.Type} {Name}={value}";
    }

    private static BpfGlobal ArgumentNullCheck(BpfGlobal global)
    {
        ArgumentNullException.ThrowIfNull(global);
        return global;
    }
}
