#Requires -Version 7.6
#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0.0' }
<#
    Other users and privileges (docs/reliability.md): the cmdlets run in a pwsh started as a user this test creates,
    through setpriv, once with no capabilities and once with CAP_BPF and CAP_PERFMON as ambient capabilities. Each
    operation either works or fails with BpfPermissionDenied naming what the kernel (or tracefs, bpffs) asks for and
    what this process lacks; a refused load leaves the object unloaded. The dotnet-tool pwsh lives under /root, which
    another user cannot enter, so the test installs the same PowerShell (7.6.9, from the NuGet cache setup.sh filled)
    into a directory of its own with `dotnet tool install --tool-path`.
#>

BeforeAll {
    . (Join-Path $PSScriptRoot 'PSBpf.TestSetup.ps1')
    $script:modulePath = (Get-Module PSBpf).Path
    function Assert-Refused($Result, [string] $Need) {
        $Result.Ok | Should -BeFalse
        $Result.ErrorId | Should -Be 'BpfPermissionDenied'
        $Result.Message | Should -Match $Need
    }

    if ($isRoot) {
        $script:user = "psbpf-u$PID"
        $script:work = "/tmp/psbpf-privileges-$PID"
        New-Item -ItemType Directory -Path $work -Force | Out-Null
        chmod 755 $work
        useradd --create-home --home-dir "$work/home" --shell /bin/sh --user-group $user
        if ($LASTEXITCODE) { throw "useradd $user failed" }
        $version = $PSVersionTable.PSVersion.ToString()
        $log = dotnet tool install PowerShell --version $version --tool-path "$work/pwsh" 2>&1
        if ($LASTEXITCODE) { throw "dotnet tool install PowerShell $version failed: $log" }
        $script:userPwsh = "$work/pwsh/pwsh"

        # The child: one result per operation, as JSON on its last line.
        $script:probe = "$work/probe.ps1"
        Set-Content -Path $probe -Value @'
param($module, $fixtures, $cgroup)
$ErrorActionPreference = 'Stop'
Import-Module $module
$results = [ordered]@{}
function T([string] $label, [scriptblock] $sb) {
    try { $null = & $sb; $results[$label] = @{ Ok = $true } }
    catch { $results[$label] = @{ Ok = $false; ErrorId = $_.FullyQualifiedErrorId -replace ',.*$'; Message = $_.Exception.Message } }
}
T 'Import-BpfObject' { Import-BpfObject "$fixtures/bootstrap.bpf.o" }
T 'Get-Help' { if (-not (Get-Help Invoke-BpfLoad -Full).Synopsis) { throw 'no help' } }
T 'Get-BpfInstruction' { if (@((Import-BpfObject "$fixtures/minimal.bpf.o").Programs.handle_tp | Get-BpfInstruction).Count -lt 3) { throw 'no instructions' } }
$script:unloaded = Import-BpfObject "$fixtures/minimal.bpf.o"
T 'Invoke-BpfLoad tracepoint' { $script:m = $unloaded | Invoke-BpfLoad }
$results['Unloaded after refusal'] = @{ Ok = (-not $unloaded.IsLoaded) -and $null -eq $unloaded.Maps[0].Id }
T 'Add-BpfAttachment tracepoint' { $m | Add-BpfAttachment }
T 'Add-BpfAttachment raw_tp' { Import-BpfObject "$fixtures/raw_tp.bpf.o" | Invoke-BpfLoad | Add-BpfAttachment }
T 'Invoke-BpfLoad xdp' { Import-BpfObject "$fixtures/xdp.bpf.o" | Invoke-BpfLoad }
T 'Add-BpfAttachment cgroup' { Import-BpfObject "$fixtures/cgroup_skb.bpf.o" | Invoke-BpfLoad | Add-BpfAttachment -CgroupPath $cgroup }
T 'Get-BpfProgram' { Get-BpfProgram }
T 'Get-BpfMapEntry -Id' { Get-BpfMapEntry -Id 1 }
T 'Receive-BpfTraceLog' { Receive-BpfTraceLog -Timeout 0.1 }
T 'Get-BpfCgroupAttachment' { Get-BpfCgroupAttachment -Path $cgroup }
T 'Get-BpfNetAttachment' { Get-BpfNetAttachment }
$results | ConvertTo-Json -Compress -Depth 3
'@
        chmod 644 $probe

        function Invoke-AsUser([string[]] $Caps) {
            $capArgs = if ($Caps) { $c = ($Caps | ForEach-Object { "+$_" }) -join ','; "--inh-caps=$c", "--ambient-caps=$c" } else { @() }
            $out = setpriv --reuid=$user --regid=$user --clear-groups @capArgs --reset-env $userPwsh -NoProfile -NonInteractive -File $probe $modulePath $fixtures $cgroup2Root 2>&1
            $json = @($out | Where-Object { "$_".StartsWith('{') })[-1]
            if (-not $json) { throw "the probe wrote no result: $($out -join "`n")" }
            $json | ConvertFrom-Json -AsHashtable
        }
        $script:none = Invoke-AsUser @()
        $script:tracing = Invoke-AsUser @('bpf', 'perfmon')
    }
}

AfterAll {
    if ($isRoot) {
        userdel --remove $user 2>$null
        Remove-Item -Recurse -Force $work -ErrorAction SilentlyContinue
    }
}

Describe 'An unprivileged user' -Tag Root {
    BeforeEach {
        if (-not $isRoot) { Set-ItResult -Skipped -Because 'the test creates a user and switches to it (root)' }
    }

    It 'opens objects, reads help and disassembles files: <_>' -ForEach 'Import-BpfObject', 'Get-Help', 'Get-BpfInstruction' {
        $none[$_].Ok | Should -BeTrue -Because "$_ needs no privilege: $($none[$_].Message)"
    }

    It 'is refused <Op> with BpfPermissionDenied naming <Need>' -ForEach @(
        @{ Op = 'Invoke-BpfLoad tracepoint'; Need = 'needs CAP_BPF.*this thread lacks CAP_BPF' }
        @{ Op = 'Get-BpfProgram'; Need = 'needs CAP_SYS_ADMIN; this thread lacks CAP_SYS_ADMIN' }
        @{ Op = 'Get-BpfMapEntry -Id'; Need = 'needs CAP_SYS_ADMIN; this thread lacks CAP_SYS_ADMIN' }
        @{ Op = 'Receive-BpfTraceLog'; Need = '/sys/kernel/tracing cannot be read by this user' }
        @{ Op = 'Get-BpfCgroupAttachment'; Need = 'needs CAP_NET_ADMIN; this thread lacks CAP_NET_ADMIN' }
        @{ Op = 'Get-BpfNetAttachment'; Need = 'needs CAP_NET_ADMIN; this thread lacks CAP_NET_ADMIN' }
    ) {
        Assert-Refused $none[$Op] $Need
    }

    It 'leaves a refused load unloaded, with no map created' {
        $none['Unloaded after refusal'].Ok | Should -BeTrue
    }
}

Describe 'A user with only CAP_BPF and CAP_PERFMON' -Tag Root {
    BeforeEach {
        if (-not $isRoot) { Set-ItResult -Skipped -Because 'the test creates a user and switches to it (root)' }
    }

    It 'loads and attaches what the kernel allows it: <_>' -ForEach 'Invoke-BpfLoad tracepoint', 'Add-BpfAttachment raw_tp' {
        $tracing[$_].Ok | Should -BeTrue -Because "$($tracing[$_].ErrorId): $($tracing[$_].Message)"
    }

    It 'is refused <Op> with BpfPermissionDenied naming <Need>' -ForEach @(
        # A tracepoint's id is read from tracefs, which is root's alone: the kernel would allow the attach, the file system does not.
        @{ Op = 'Add-BpfAttachment tracepoint'; Need = '\(its id is read from tracefs\): /sys/kernel/tracing cannot be read by this user' }
        @{ Op = 'Invoke-BpfLoad xdp'; Need = 'networking ones .*CAP_NET_ADMIN; this thread lacks CAP_NET_ADMIN' }
        @{ Op = 'Get-BpfProgram'; Need = 'needs CAP_SYS_ADMIN; this thread lacks CAP_SYS_ADMIN' }
        @{ Op = 'Get-BpfNetAttachment'; Need = 'needs CAP_NET_ADMIN; this thread lacks CAP_NET_ADMIN' }
    ) {
        Assert-Refused $tracing[$Op] $Need
    }

    It 'is refused a cgroup attach for want of CAP_NET_ADMIN, though the program loads' {
        Assert-Refused $tracing['Add-BpfAttachment cgroup'] 'BPF_LINK_CREATE .*cgroup.*this thread lacks CAP_NET_ADMIN'
    }
}
