<#
    Get-PwshCommand: the command line that starts this same PowerShell as a child, as an array (executable first).
    A package or system pwsh is $PSHOME/pwsh; a dotnet-tool pwsh runs as the dotnet host with $PSHOME/pwsh.dll, and its
    [Environment]::ProcessPath is dotnet, so ProcessPath alone would start `dotnet -NoProfile`.
    Dot-sourced by build.ps1 and tests/PSBpf.TestSetup.ps1.
#>
function Get-PwshCommand {
    if ([IO.Path]::GetFileNameWithoutExtension([Environment]::ProcessPath) -eq 'dotnet') {
        [Environment]::ProcessPath, (Join-Path $PSHOME 'pwsh.dll')
    }
    else { Join-Path $PSHOME 'pwsh' }
}
