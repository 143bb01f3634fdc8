<#
    Get-PwshCommand: the command line that starts this same PowerShell as a child, as an array (executable first).
    A package or system pwsh is $PSHOME/pwsh; a dotnet-tool pwsh runs as the dotnet host with $PSHOME/pwsh.dll, and its
    [Environment]::ProcessPath is dotnet, so ProcessPath alone would start `dotnet -NoProfile`.
    New-PwshStartInfo: a ProcessStartInfo for that child with the given arguments, for callers that need its streams.
    Dot-sourced by build.ps1 and the Pester suites that start a child pwsh.
#>
function Get-PwshCommand {
    if ([IO.Path]::GetFileNameWithoutExtension([Environment]::ProcessPath) -eq 'dotnet') {
        [Environment]::ProcessPath, (Join-Path $PSHOME 'pwsh.dll')
    }
    else { Join-Path $PSHOME 'pwsh' }
}

function New-PwshStartInfo([string[]] $Arguments) {
    $command = @(Get-PwshCommand)
    $psi = [Diagnostics.ProcessStartInfo]::new($command[0])
    foreach ($a in @($command | Select-Object -Skip 1) + $Arguments) { $psi.ArgumentList.Add($a) }
    $psi
}
