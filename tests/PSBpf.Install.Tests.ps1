<#
    Installing like a user: the assembled module passes Test-ModuleManifest, publishes to a local PSResourceGet
    repository (a folder), installs from it with Install-PSResource and imports by name in a new pwsh. The
    publish/install runs in child pwsh processes whose HOME is a temporary directory, so the repository registration
    and the CurrentUser install land there and are removed with it; the machine's own module paths are untouched.
#>
BeforeAll {
    . (Join-Path $PSScriptRoot 'PSBpf.TestSetup.ps1')
    $moduleDir = (Get-Module PSBpf).ModuleBase
    $manifest = Join-Path $moduleDir 'PSBpf.psd1'
    . (Join-Path $repoRoot 'scripts/PwshCommand.ps1')
    $pwsh = @(Get-PwshCommand)   # this same PowerShell, also when it is a dotnet tool
    function Invoke-ChildPwsh([string] $HomeDir, [string] $Script) {
        $saved = $env:HOME
        try {
            $env:HOME = $HomeDir
            $output = & $pwsh[0] @($pwsh | Select-Object -Skip 1) -NoProfile -NonInteractive -Command $Script 2>&1
            [pscustomobject]@{ ExitCode = $LASTEXITCODE; Output = @($output | ForEach-Object { "$_" }) }
        }
        finally { $env:HOME = $saved }
    }
}

Describe 'Installing PSBpf' {
    It 'has a manifest that Test-ModuleManifest accepts, with every cmdlet of PSBpf.dll exported' {
        $info = Test-ModuleManifest -Path $manifest -ErrorAction Stop
        $info.Name | Should -Be 'PSBpf'
        $info.Version | Should -Be ([version](Import-PowerShellDataFile $manifest).ModuleVersion)
        $info.CompatiblePSEditions | Should -Be @('Core')
        $dllCmdlets = [PSBpf.Commands.ImportBpfObjectCommand].Assembly.GetExportedTypes() |
            Where-Object { $_.IsSubclassOf([System.Management.Automation.PSCmdlet]) -and -not $_.IsAbstract } |
            ForEach-Object { ($_.GetCustomAttributes([System.Management.Automation.CmdletAttribute], $false))[0] } |
            ForEach-Object { "$($_.VerbName)-$($_.NounName)" }
        @($info.ExportedCmdlets.Keys | Sort-Object) | Should -Be @($dllCmdlets | Sort-Object)
    }

    It 'ships exactly its files: the module, the engine and its ELF reader (ELFSharp, with its licence), views and help' {
        $files = @(Get-ChildItem -LiteralPath $moduleDir -Recurse -File | ForEach-Object {
                [IO.Path]::GetRelativePath($moduleDir, $_.FullName) } | Sort-Object)
        $files | Should -Be @('ELFSharp.dll', 'ELFSharp.LICENSE', 'en-US/about_PSBpf.help.txt', 'en-US/PSBpf.dll-Help.xml', 'LICENSE',
            'PSBpf.dll', 'PSBpf.Engine.dll', 'PSBpf.format.ps1xml', 'PSBpf.psd1', 'PSBpf.types.ps1xml')
        (Import-PowerShellDataFile $manifest).RequiredAssemblies | Should -Be @('ELFSharp.dll', 'PSBpf.Engine.dll')
        [PSBpf.Engine.Elf.ElfFile].Assembly.GetReferencedAssemblies().Name | Should -Contain 'ELFSharp'
        [AppDomain]::CurrentDomain.GetAssemblies().Where({ $_.GetName().Name -eq 'ELFSharp' }).Location | Should -Be (Join-Path $moduleDir 'ELFSharp.dll')
    }

    It 'ships its licence and names no addresses it does not have' {
        Join-Path $moduleDir 'LICENSE' | Should -Exist
        Get-Content (Join-Path $moduleDir 'LICENSE') -TotalCount 1 | Should -Be 'MIT License'
        $psData = (Import-PowerShellDataFile $manifest).PrivateData.PSData
        foreach ($uri in 'ProjectUri', 'LicenseUri') {
            if ($psData.ContainsKey($uri)) { [uri]$psData[$uri] | Should -Not -BeNullOrEmpty } # filled honestly, or absent
        }
    }

    It 'publishes to a local repository, installs with Install-PSResource and imports by name in a new pwsh' {
        $homeDir = Join-Path ([IO.Path]::GetTempPath()) "psbpf-home-$([guid]::NewGuid().ToString('N').Substring(0, 8))"
        $repo = Join-Path $homeDir 'repo'
        $null = New-Item -ItemType Directory -Path $repo -Force
        try {
            $publish = Invoke-ChildPwsh $homeDir @"
`$ErrorActionPreference = 'Stop'
Register-PSResourceRepository -Name PSBpfLocal -Uri '$repo' -Trusted
Publish-PSResource -Path '$moduleDir' -Repository PSBpfLocal
Install-PSResource -Name PSBpf -Repository PSBpfLocal -Scope CurrentUser -TrustRepository
(Get-InstalledPSResource -Name PSBpf).InstalledLocation
"@
            $publish.ExitCode | Should -Be 0 -Because ($publish.Output -join "`n")
            Get-ChildItem -LiteralPath $repo -Filter 'PSBpf.*.nupkg' | Should -HaveCount 1
            $installed = Join-Path $homeDir '.local/share/powershell/Modules/PSBpf'
            Join-Path $installed "$((Get-Module PSBpf).Version)/PSBpf.dll" | Should -Exist
            Join-Path $installed "$((Get-Module PSBpf).Version)/ELFSharp.dll" | Should -Exist

            # a new pwsh finds it by name on its module path, with its views and help, and it works
            $use = Invoke-ChildPwsh $homeDir @"
`$ErrorActionPreference = 'Stop'
Import-Module PSBpf
(Get-Module PSBpf).ModuleBase
(Get-Command -Module PSBpf).Count
(Get-Help Import-BpfObject).Synopsis
(Import-BpfObject -LiteralPath '$(Join-Path $fixtures 'minimal.bpf.o')').Programs.handle_tp.SectionName
"@
            $use.ExitCode | Should -Be 0 -Because ($use.Output -join "`n")
            $use.Output[0] | Should -BeLike "$installed/*"
            [int]$use.Output[1] | Should -Be (Get-Command -Module PSBpf).Count
            $use.Output[2] | Should -Be (Get-Help Import-BpfObject).Synopsis
            $use.Output[3] | Should -Be 'tp/syscalls/sys_enter_write'
        }
        finally { Remove-Item -LiteralPath $homeDir -Recurse -Force -ErrorAction SilentlyContinue }
    }
}

Describe 'Cold start' {
    It 'ships ReadyToRun images that a fresh pwsh uses instead of JIT-compiling the engine' {
        foreach ($name in 'PSBpf.dll', 'PSBpf.Engine.dll', 'ELFSharp.dll') {
            $stream = [IO.File]::OpenRead((Join-Path $moduleDir $name))
            try {
                $pe = [Reflection.PortableExecutable.PEReader]::new($stream)
                $pe.PEHeaders.CorHeader.ManagedNativeHeaderDirectory.Size | Should -BeGreaterThan 0 -Because "$name is a ReadyToRun image"
                $pe.Dispose()
            }
            finally { $stream.Dispose() }
        }
        # The runtime silently JIT-compiles what an image cannot give it: code made for another .NET major version
        # (.NET 8 code on pwsh 7.6's .NET 10), cmdlets compiled without a real System.Management.Automation to
        # reference, generics instantiated across assemblies. Count the methods JIT-compiled by a first open: about
        # 580 with no usable native code, about 390 with images of each assembly alone, about 30 as build.ps1 makes
        # them (cross-module generics, SMA as a ReadyToRun reference).
        # The child gets a fresh HOME, as on a new machine: pwsh replays a startup profile from ~/.cache/powershell on
        # a background thread (multi-core JIT), which, left by other pwsh runs, either compiled the engine's methods
        # before the count (hiding a broken image) or during it (the count once read 116 with all threads counted).
        # Only the calling thread's compilations are counted: what Import-BpfObject waits for.
        $script = @"
Import-Module '$manifest'
`$null = Get-Item -LiteralPath '/'   # pwsh's own first-pipeline code, compiled before the count
`$before = [System.Runtime.JitInfo]::GetCompiledMethodCount(`$true)
`$null = Import-BpfObject '$(Join-Path $fixtures 'bootstrap.bpf.o')'
[System.Runtime.JitInfo]::GetCompiledMethodCount(`$true) - `$before
"@
        $homeDir = Join-Path ([IO.Path]::GetTempPath()) "psbpf-cold-$([guid]::NewGuid().ToString('N').Substring(0, 8))"
        New-Item -ItemType Directory -Path $homeDir | Out-Null
        try {
            $child = Invoke-ChildPwsh $homeDir $script
            $child.ExitCode | Should -Be 0 -Because ($child.Output -join "`n")
            [int]$child.Output[-1] | Should -BeLessThan 100
        }
        finally { Remove-Item -Recurse -Force $homeDir -ErrorAction SilentlyContinue }
    }
}
