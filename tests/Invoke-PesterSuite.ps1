<#
    Runs the Pester suite (tests/*.Tests.ps1) against an assembled module; build.ps1 starts it in a child pwsh so the
    module's DLLs load there, not in the build session. Exits with Pester's failed-test count.
#>
param(
    [Parameter(Mandatory)] [string] $PesterManifest,
    [Parameter(Mandatory)] [string] $TestsPath,
    [Parameter(Mandatory)] [string] $ModuleManifest,
    [Parameter(Mandatory)] [string] $ResultFile,
    [string[]] $FullNameFilter,
    # Tests tagged Soak run for minutes: only when asked for (-Tag Soak).
    [string[]] $Tag,
    [string[]] $ExcludeTag = @('Soak')
)
$ErrorActionPreference = 'Stop'
$env:PSBPF_MODULE = $ModuleManifest
Import-Module -Name $PesterManifest -Force
$config = New-PesterConfiguration
$config.Run.Path = $TestsPath
$config.Run.Exit = $true
$config.Output.Verbosity = 'Detailed'
$config.TestResult.Enabled = $true
$config.TestResult.OutputFormat = 'NUnitXml'
$config.TestResult.OutputPath = $ResultFile
if ($FullNameFilter) { $config.Filter.FullName = $FullNameFilter }
if ($Tag) { $config.Filter.Tag = $Tag }
$config.Filter.ExcludeTag = @($ExcludeTag | Where-Object { $_ -notin $Tag })
Invoke-Pester -Configuration $config
