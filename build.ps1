#Requires -Version 7.6
<#
.SYNOPSIS
    Builds PSBpf, assembles the module folder out/PSBpf/<version>/ and runs the tests.

.DESCRIPTION
    1. dotnet publish of the module (src/PSBpf, with src/PSBpf.Engine) as ReadyToRun images for this machine's
       architecture (precompiled native code beside the IL, so a fresh pwsh does not JIT the engine on its first load;
       the IL stays, so other architectures still run it), and dotnet build of the help generator (tools/HelpGen).
    2. Assembles out/PSBpf/<ModuleVersion>/: PSBpf.psd1, PSBpf.format.ps1xml, PSBpf.types.ps1xml, PSBpf.dll, PSBpf.Engine.dll, ELFSharp.dll
       (the engine's ELF reader, from NuGet) with its ELFSharp.LICENSE, and
       en-US/PSBpf.dll-Help.xml + en-US/about_PSBpf.help.txt generated from docs/ (platyPS's New-ExternalHelp when the
       platyPS module is installed, else tools/HelpGen). System.Management.Automation.dll is never copied:
       PowerShell provides it.
    3. Unless -SkipTests: dotnet test PSBpf.sln (engine and static module tests; -SkipDotnetTests leaves them out
       and only makes the BPF fixtures), then Invoke-Pester (Pester 5, which scripts/setup.sh installs) on tests/*.Tests.ps1 in a
       child pwsh against the assembled module.

.PARAMETER Configuration
    The .NET build configuration (Release by default).

.PARAMETER SkipTests
    Build and assemble only.

.PARAMETER SkipDotnetTests
    Run the Pester suite but not dotnet test (scripts/test.sh has run the xunit tests already).

.EXAMPLE
    ./build.ps1
    Import-Module ./out/PSBpf/0.1.0/PSBpf.psd1

.EXAMPLE
    ./build.ps1 -Configuration Debug -SkipTests
#>
[CmdletBinding()]
param(
    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Release',

    [switch] $SkipTests,

    [switch] $SkipDotnetTests
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0

function Invoke-Native {
    # Invoke-Native <command> <argument>...: runs a native command and fails the build on a non-zero exit code.
    # A simple function on purpose: $args keeps tokens such as -c and --nologo as plain strings for the native command.
    $command = $args[0]
    $arguments = @($args | Select-Object -Skip 1)
    Write-Host "> $command $($arguments -join ' ')" -ForegroundColor DarkGray
    & $command @arguments
    if ($LASTEXITCODE -ne 0) {
        throw "'$command $($arguments -join ' ')' failed with exit code $LASTEXITCODE."
    }
}

$root = $PSScriptRoot
$manifestPath = Join-Path $root 'PSBpf.psd1'
$manifest = Import-PowerShellDataFile -LiteralPath $manifestPath
$version = [version]$manifest.ModuleVersion
$moduleDir = Join-Path $root "out/PSBpf/$version"
$helpDir = Join-Path $moduleDir 'en-US'
$docsDir = Join-Path $root 'docs'

# 1. Build ------------------------------------------------------------------------------------------------------
# ReadyToRun code is only used by the runtime major version it was compiled against (images made for .NET 8 are
# JIT-compiled again on .NET 10), so the module targets the .NET that PowerShell 7.6 runs on.
$rid = 'linux-' + [Runtime.InteropServices.RuntimeInformation]::OSArchitecture.ToString().ToLowerInvariant()
$bin = Join-Path $root "out/publish/$Configuration/$rid"
Invoke-Native dotnet publish (Join-Path $root 'src/PSBpf/PSBpf.csproj') -c $Configuration -r $rid --self-contained false `
    '-p:PublishReadyToRun=true' -o $bin --nologo
Invoke-Native dotnet build (Join-Path $root 'tools/HelpGen/HelpGen.csproj') -c $Configuration --nologo

$moduleDll = Join-Path $bin 'PSBpf.dll'
$assemblyVersion = [Reflection.AssemblyName]::GetAssemblyName($moduleDll).Version
if ($assemblyVersion.Major -ne $version.Major -or $assemblyVersion.Minor -ne $version.Minor -or $assemblyVersion.Build -ne $version.Build) {
    throw "PSBpf.dll is version $assemblyVersion but PSBpf.psd1 says $version; keep Directory.Build.props <Version> and ModuleVersion equal."
}

# 2. Assemble out/PSBpf/<version>/ ------------------------------------------------------------------------------------
if (Test-Path -LiteralPath $moduleDir) {
    Remove-Item -LiteralPath $moduleDir -Recurse -Force
}
$null = New-Item -ItemType Directory -Path $helpDir -Force

Copy-Item -LiteralPath $manifestPath, (Join-Path $root 'PSBpf.format.ps1xml'), (Join-Path $root 'PSBpf.types.ps1xml'), (Join-Path $root 'LICENSE') -Destination $moduleDir
foreach ($name in 'PSBpf.dll', 'PSBpf.Engine.dll', 'ELFSharp.dll') {
    Copy-Item -LiteralPath (Join-Path $bin $name) -Destination $moduleDir
}
# ELFSharp's MIT licence travels with its dll (the licence asks that copies keep its notice).
$assets = Get-Content -Raw -LiteralPath (Join-Path $root 'src/PSBpf.Engine/obj/project.assets.json') | ConvertFrom-Json -AsHashtable
$elfSharp = $assets.libraries.Keys | Where-Object { $_ -like 'ELFSharp/*' } | Select-Object -First 1
$packageRoot = @($assets.packageFolders.Keys)[0]
Copy-Item -LiteralPath (Join-Path $packageRoot $assets.libraries[$elfSharp].path 'LICENSE') -Destination (Join-Path $moduleDir 'ELFSharp.LICENSE')
if (Test-Path -LiteralPath (Join-Path $moduleDir 'System.Management.Automation.dll')) {
    throw 'System.Management.Automation.dll must not ship with the module.'
}

# Help: the cmdlet pages are the docs/*.md files with platyPS front matter; docs/ also holds design notes.
$commandPages = @(Get-ChildItem -LiteralPath $docsDir -Filter '*.md' | Where-Object {
        (Get-Content -LiteralPath $_.FullName -TotalCount 5) -match '^external help file:'
    })
$aboutPages = @(Get-ChildItem -LiteralPath $docsDir -Filter 'about_*.md')
$platyPS = Get-Module -ListAvailable -Name platyPS | Sort-Object Version -Descending | Select-Object -First 1
if ($platyPS) {
    Write-Host "Generating help with platyPS $($platyPS.Version)"
    Import-Module $platyPS -Force
    $pages = @($commandPages | ForEach-Object FullName) + @($aboutPages | ForEach-Object FullName)
    $null = New-ExternalHelp -Path $pages -OutputPath $helpDir -Force
}
else {
    Write-Host 'Generating help with tools/HelpGen (platyPS is not installed)'
    $helpGen = Join-Path $root "tools/HelpGen/bin/$Configuration/net10.0/HelpGen.dll"
    Invoke-Native dotnet $helpGen $docsDir $helpDir
}
foreach ($expected in 'PSBpf.dll-Help.xml', 'about_PSBpf.help.txt') {
    if (-not (Test-Path -LiteralPath (Join-Path $helpDir $expected))) {
        throw "Help generation did not produce en-US/$expected."
    }
}

Write-Host "Module assembled in $moduleDir" -ForegroundColor Green
Get-ChildItem -LiteralPath $moduleDir -Recurse -File | ForEach-Object { Write-Host "  $([IO.Path]::GetRelativePath($moduleDir, $_.FullName))" }

if ($SkipTests) {
    return
}

# 3. Tests ---------------------------------------------------------------------------------------------------------
# The engine tests' build makes the BPF fixtures (tests/fixtures/build) that the module tests and the Pester suite use.
if ($SkipDotnetTests) {
    Invoke-Native make -s -C (Join-Path $root 'tests/fixtures') "OUT=$(Join-Path $root 'tests/fixtures/build')"
}
else {
    Invoke-Native dotnet test (Join-Path $root 'PSBpf.sln') -c $Configuration --nologo
}

$pester = Get-Module -ListAvailable -Name Pester |
    Where-Object Version -GE ([version]'5.0.0') |
    Sort-Object Version -Descending |
    Select-Object -First 1
if (-not $pester) {
    throw 'Pester 5 is not installed: scripts/setup.sh installs the pinned version (tools/Pester/PesterRestore.csproj).'
}

# A child pwsh (this same PowerShell, also when it is a dotnet tool): the module's DLLs load into that process, not
# into this build session.
$testResults = Join-Path $root 'out/TestResults'
$null = New-Item -ItemType Directory -Path $testResults -Force
. (Join-Path $root 'scripts/PwshCommand.ps1')
$pwsh = @(Get-PwshCommand)
$runner = Join-Path $root 'tests/Invoke-PesterSuite.ps1'
& $pwsh[0] @($pwsh | Select-Object -Skip 1) -NoProfile -NonInteractive -File $runner `
    -PesterManifest $pester.Path -TestsPath (Join-Path $root 'tests') `
    -ModuleManifest (Join-Path $moduleDir 'PSBpf.psd1') -ResultFile (Join-Path $testResults 'pester.xml')
if ($LASTEXITCODE -ne 0) {
    throw "Pester reported $LASTEXITCODE failed test(s)."
}
