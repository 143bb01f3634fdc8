using System.Globalization;
using System.Management.Automation;
using PSBpf.Engine;
using PSBpf.Errors;

namespace PSBpf.Commands;

/// <summary>
/// Get-BpfNetAttachment: what is attached to network interfaces and namespaces (like <c>bpftool net show</c>): XDP,
/// classic tc filters, tcx and netkit chains per interface, flow dissectors and sk_lookup programs per namespace,
/// whoever attached them. The objects pipe into Remove-BpfAttachment.
/// </summary>
[Cmdlet(VerbsCommon.Get, "BpfNetAttachment")]
[OutputType(typeof(BpfNetAttachment))]
public sealed class GetBpfNetAttachmentCommand : InspectionCmdletBase
{
    /// <summary>Only this interface (a name, or an index): its XDP, tc, tcx and netkit programs.</summary>
    [Parameter(Position = 0)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(Completion.InterfaceNameCompleter))]
    public string? Interface { get; set; }

    /// <summary>The network namespace to look in: an `ip netns` name (under /run/netns) or a path such as /proc/PID/ns/net.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? NetworkNamespace { get; set; }

    /// <summary>Only these kinds (xdp, tc, tcx, netkit, flow_dissector, sk_lookup).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public BpfNetAttachmentKind[]? Kind { get; set; }

    /// <inheritdoc />
    protected override void EndProcessing()
    {
        string? netns = NetworkNamespace is null || !NetworkNamespace.Contains('/', StringComparison.Ordinal)
            ? NetworkNamespace
            : SessionState.Path.GetUnresolvedProviderPathFromPSPath(NetworkNamespace);
        // an all-digit -Interface is an index, as bpftool's "dev" takes a name only but ip(8) shows both
        uint? index = Interface is not null && uint.TryParse(Interface, NumberStyles.None, CultureInfo.InvariantCulture, out uint i) ? i : null;
        IReadOnlyList<BpfNetAttachment> attachments;
        try
        {
            attachments = BpfNetInspection.GetAttachments(netns, index is null ? Interface : null, index);
        }
        catch (Exception e) when (!IsStopException(e))
        {
            WriteListError(e, netns);
            return;
        }

        foreach (var a in attachments)
        {
            if (CancellationToken.IsCancellationRequested) return;
            if (Kind is null || Kind.Contains(a.Kind)) WriteObject(a);
        }
    }

    private void WriteListError(Exception e, string? netns)
    {
        switch (e)
        {
            case ArgumentException { ParamName: "Interface" } a:
                WriteBpfError(a, new BpfErrorInfo(BpfErrorIds.TargetNotFound, BpfErrorCategory.ObjectNotFound, $"Cannot list network attachments: {a.Message.Split(" (Parameter", 2)[0]}.",
                    "Name an existing interface: 'ip link show' lists them ('ip -n <namespace> link show' for another namespace)."), Interface);
                return;
            case BpfSyscallException { SystemCall: BpfSystemCall.OpenNamespace, IsNotFound: true } s:
                WriteBpfError(s, new BpfErrorInfo(BpfErrorIds.TargetNotFound, BpfErrorCategory.ObjectNotFound, $"Cannot list network attachments: no network namespace '{netns}' ({s.Message}).",
                    "Name an existing network namespace: a name from 'ip netns list', or a path such as /proc/<pid>/ns/net."), netns);
                return;
            default:
                WriteInspectionError(e, "network attachment");
                return;
        }
    }
}
