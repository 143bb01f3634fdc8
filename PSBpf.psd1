#
# Module manifest for PSBpf: eBPF for PowerShell 7 on Linux.
# build.ps1 copies this file into out/PSBpf/<ModuleVersion>/ next to PSBpf.dll, PSBpf.Engine.dll and ELFSharp.dll.
# tests/PSBpf.Module.Tests checks that CmdletsToExport equals the cmdlets PSBpf.dll defines.
#
@{
    RootModule             = 'PSBpf.dll'
    ModuleVersion          = '0.1.0'
    GUID                   = 'bdcfb6fa-0ae8-4ddb-8f4c-85a77828fc20'
    Author                 = 'PSBpf contributors'
    CompanyName            = 'PSBpf contributors'
    Copyright              = '(c) 2026 PSBpf contributors. MIT License.'
    Description            = 'Work with eBPF on Linux from PowerShell: open BPF object files (*.bpf.o), load, attach and inspect programs and maps, stream ring buffer events. A pure-managed loader: no libbpf, no native helper library.'
    PowerShellVersion      = '7.6'
    CompatiblePSEditions   = @('Core')

    # The engine is also a .NET library for C# callers; loading it explicitly makes [PSBpf.Engine.BpfObject] usable at once.
    # ELFSharp (NuGet) is the engine's ELF reader; listed first so that it loads from the module folder.
    RequiredAssemblies     = @('ELFSharp.dll', 'PSBpf.Engine.dll')
    FormatsToProcess       = @('PSBpf.format.ps1xml')
    # Serialization depth only: entries and records cross remoting and Export-Clixml whole.
    TypesToProcess         = @('PSBpf.types.ps1xml')

    CmdletsToExport        = @('Import-BpfObject', 'Invoke-BpfLoad', 'Get-BpfMapEntry', 'Set-BpfMapEntry', 'Remove-BpfMapEntry', 'Get-BpfProgram', 'Get-BpfMap', 'Get-BpfLink', 'Receive-BpfRingBuffer', 'Add-BpfAttachment', 'Remove-BpfAttachment', 'Get-BpfInstruction', 'Remove-BpfObject', 'Test-BpfObject', 'Receive-BpfTraceLog', 'Invoke-BpfProgram', 'Get-BpfNetAttachment', 'Get-BpfCgroupAttachment', 'ConvertTo-BpfHistogram', 'Measure-BpfProgram')
    FunctionsToExport      = @()
    AliasesToExport        = @()
    VariablesToExport      = @()

    PrivateData            = @{
        PSData = @{
            Tags         = @('eBPF', 'BPF', 'Linux', 'libbpf', 'BTF', 'CO-RE', 'XDP', 'tracing', 'kernel', 'observability', 'PSEdition_Core')
            # No ProjectUri or LicenseUri: the project has no public address yet. The licence (MIT) ships as LICENSE
            # in the module folder.
            ReleaseNotes = 'Open, load, attach and inspect BPF objects from PowerShell: import, load (CO-RE, struct_ops, module BTF), attach (tracepoints, uprobes, XDP, tc/tcx, cgroup, sockets, netns, netfilter, perf events), BTF-typed map entries, ring and perf buffers, kernel-wide programs, maps and links, disassembly, verification and trace logs.'
        }
    }
}
