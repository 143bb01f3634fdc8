using System.Management.Automation;
using PSBpf.Engine;
using PSBpf.Engine.Btf;
using PSBpf.Errors;

namespace PSBpf.Commands;

/// <summary>
/// Shared by Get-, Set- and Remove-BpfMapEntry: the kernel maps they open (by object, -Id, -PinnedPath or BpfMapInfo),
/// the errors for a map that cannot be opened, and the check that keyed maps get -Key and queues/stacks do not.
/// </summary>
public abstract class MapEntryCmdletBase : BpfCmdletBase
{
    /// <summary>Maps opened by id or pin; derived cmdlets decide when to release them (per record or at the end).</summary>
    private protected KernelMapCache KernelMaps { get; } = new();

    /// <summary>
    /// The map <paramref name="target"/> names — a kernel id (uint), a pin path (string) or a <see cref="BpfMap"/> — or
    /// null after writing the error: missing id or pin as BpfKernelObjectNotFound, a pin of another kind as BpfMapWrongType.
    /// </summary>
    private protected BpfMap? OpenMap(object target)
    {
        try
        {
            return target switch
            {
                uint id => KernelMaps.ById(id),
                // through the provider, like every PowerShell path: Set-Location, ~ and PSDrives apply
                string path => KernelMaps.ByPin(SessionState.Path.GetUnresolvedProviderPathFromPSPath(path)),
                _ => KernelMaps.Usable((BpfMap)target),
            };
        }
        catch (Exception e) when (!IsStopException(e))
        {
            WriteBpfError(e, KernelMapCache.OpenFailure(e, target), target);
            return null;
        }
    }

    /// <summary>
    /// For cmdlets where keyed maps need -Key and queues/stacks take none: false, after writing BpfMapWrongType or
    /// BpfMapKeyRequired, when <paramref name="key"/> does not fit the map's type.
    /// </summary>
    /// <param name="map">The opened map.</param>
    /// <param name="key">The -Key value, or null.</param>
    /// <param name="noKeysHint">What to do instead on a queue or stack, e.g. "leave out -Key to push the value".</param>
    /// <param name="keyRequiredReason">Why a keyed map needs -Key, e.g. "only queues and stacks pop without a key".</param>
    private protected bool CheckKeyUse(BpfMap map, object? key, string noKeysHint, string keyRequiredReason)
    {
        bool queue = BpfMapAccess.IsQueueOrStack(map.Type);
        if (queue ? key is null : key is not null) return true;
        string message = queue
            ? $"Map '{map.Name}' is a {map.Type}, which has no keys; {noKeysHint}."
            : $"Map '{map.Name}' is a {map.Type}; -Key is required ({keyRequiredReason}).";
        WriteBpfError(new ArgumentException(message, "Key"), new BpfErrorInfo(queue ? BpfErrorIds.MapWrongType : BpfErrorIds.MapKeyRequired, BpfErrorCategory.InvalidArgument, message), map.Name);
        return false;
    }

    /// <summary>
    /// C headers that declare the types named by -KeyType (and -ValueType), read without a compiler: for maps created
    /// without BTF, or whose BTF lacks the types.
    /// </summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[]? Header { get; set; }

    /// <summary>C declarations of the types as text (read after -Header), e.g. <c>'struct key { __u32 pid; char comm[16]; };'</c>.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? TypeDefinition { get; set; }

    /// <summary>The type of -Header/-TypeDefinition that keys are encoded and decoded as (in place of the map's own key type).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? KeyType { get; set; }

    /// <summary>The -ValueType of cmdlets that take values (Get- and Set-BpfMapEntry); null for the others.</summary>
    private protected virtual string? HeaderValueType => null;

    private BtfType? _keyType;
    private BtfType? _valueType;

    /// <inheritdoc />
    protected override void BeginProcessing() => ReadHeaderTypes(Header, TypeDefinition, KeyType, HeaderValueType);

    /// <summary>True when -Header/-TypeDefinition/-KeyType/-ValueType failed: the error is written, and no map is touched.</summary>
    private protected bool HeaderTypesFailed { get; private set; }

    /// <summary>
    /// Reads -Header/-TypeDefinition and looks up -KeyType/-ValueType in them, once per command; on failure writes the
    /// error and sets <see cref="HeaderTypesFailed"/>. Nothing to do when none of them is given.
    /// </summary>
    private protected void ReadHeaderTypes(string[]? header, string? definition, string? keyType, string? valueType)
    {
        void Fail(Exception e, BpfErrorInfo? info, object? target)
        {
            WriteBpfError(e, info, target);
            HeaderTypesFailed = true;
        }

        if (header is null && definition is null)
        {
            if (keyType is null && valueType is null) return;
            string message = $"-{(keyType is not null ? "KeyType" : "ValueType")} names a type of C declarations; give them with -Header or -TypeDefinition.";
            Fail(new ArgumentException(message), new BpfErrorInfo(BpfErrorIds.TypeNotFound, BpfErrorCategory.ObjectNotFound, message), null);
            return;
        }

        if (keyType is null && valueType is null)
        {
            const string message = "-Header and -TypeDefinition declare types for keys and values: name them with -KeyType and/or -ValueType.";
            Fail(new ArgumentException(message), new BpfErrorInfo(BpfErrorIds.TypeNotFound, BpfErrorCategory.ObjectNotFound, message), null);
            return;
        }

        if (HeaderTypes.Read(this, header, definition, Fail) is not { } parsed) return;
        if (keyType is not null) _keyType = HeaderTypes.Find(parsed, keyType, "KeyType", Fail);
        if (valueType is not null && !HeaderTypesFailed) _valueType = HeaderTypes.Find(parsed, valueType, "ValueType", Fail);
    }

    /// <summary>The key and value types for <paramref name="map"/>: -KeyType/-ValueType where given, else null (the map's own).</summary>
    /// <exception cref="BpfValueException">A type's size is not the map's key or value size.</exception>
    private protected BpfMapTypes? TypesFor(BpfMap map) =>
        _keyType is null && _valueType is null ? null : BpfMapTypes.With(map, _keyType, _valueType);

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing) KernelMaps.Dispose();
        base.Dispose(disposing);
    }
}
