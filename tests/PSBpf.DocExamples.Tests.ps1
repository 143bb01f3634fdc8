#Requires -Version 7.6
#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0.0' }
<#
    Every ```powershell block people read runs: the README's, each cmdlet page's EXAMPLES (what Get-Help -Examples
    shows) and the other pages in docs/, about_PSBpf included (docs/json-examples.md has its own test). A page's
    blocks run in order in one pwsh session, as a reader types them, from a directory holding the fixture objects under
    the names the examples use (./minimal.bpf.o, ./bootstrap.bpf.o, ./app.bpf.o, ./build/*.bpf.o, ./bad.bpf.o,
    ./uprobe_target, ./usdt_target with its libusdt_target.so, ./bootstrap.h), the README's from the repository root.

    The session runs inside a network namespace this test makes (ip netns exec), with veth pairs named eth0 and veth0
    and a second namespace named blue: the examples' interfaces are the test's own, never the host's. There, bpffs,
    tracefs and cgroup2 are mounted privately (with a system.slice cgroup), so pins made by examples vanish with it.
#>

BeforeDiscovery {
    . (Join-Path $PSScriptRoot 'DocExamples/Get-DocExample.ps1')
    $root = Split-Path -Parent $PSScriptRoot
    $pages = @(Join-Path $root 'README.md') + @(Get-ChildItem (Join-Path $root 'docs') -Filter *.md | Where-Object Name -ne 'json-examples.md' | ForEach-Object FullName) |
        ForEach-Object { @{ Path = $_; Name = [IO.Path]::GetFileName($_); Examples = @(Get-DocExample $_) } } |
        Where-Object { $_.Examples.Count -gt 0 }
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'PSBpf.TestSetup.ps1')
    . (Join-Path $repoRoot 'scripts/PwshCommand.ps1')
    $script:pwsh = @(Get-PwshCommand)
    $script:modulePath = (Get-Module PSBpf).Path

    $script:sandbox = Join-Path ([IO.Path]::GetTempPath()) "psbpf-docs-$PID"
    New-Item -ItemType Directory -Path (Join-Path $sandbox 'build') -Force | Out-Null
    foreach ($f in Get-ChildItem $fixtures -Filter *.bpf.o) {
        Copy-Item $f.FullName $sandbox
        Copy-Item $f.FullName (Join-Path $sandbox 'build')
    }
    Copy-Item (Join-Path $fixtures 'bad_verifier.bpf.o') (Join-Path $sandbox 'bad.bpf.o')
    Copy-Item (Join-Path $repoRoot 'tests/fixtures/*.h') $sandbox   # the objects' shared headers (./bootstrap.h)
    Copy-Item (Join-Path $fixtures 'uprobe_target') $sandbox
    Copy-Item (Join-Path $fixtures 'usdt_target'), (Join-Path $fixtures 'libusdt_target.so') $sandbox

    $script:sliceExisted = Test-Path (Join-Path $cgroup2Root 'system.slice')
    if ($isRoot) {
        $script:netns = "psbpf-docs-$PID"
        ip netns add $netns
        ip -n $netns link set lo up
        foreach ($name in 'eth0', 'veth0') {
            ip -n $netns link add $name type veth peer name "$name-peer"
            ip -n $netns link set $name up
            ip -n $netns link set "$name-peer" up
        }
        $script:madeBlue = -not (Test-Path /run/netns/blue)
        if ($madeBlue) { ip netns add blue; ip -n blue link set lo up }

        # docs/fleet.md's hosts: web1 and web2 are loopback addresses of the namespace, served by a throwaway sshd
        # with pwsh as its subsystem; the namespace's /etc/ssh/ssh_config (ip netns exec) names them.
        . (Join-Path $PSScriptRoot 'Remoting/TestSshd.ps1')
        $moduleRoot = Split-Path -Parent (Split-Path -Parent (Split-Path -Parent $modulePath))
        $script:sshd = Start-TestSshd -ModuleRoot $moduleRoot -HostName 'web1', 'web2' -NetworkNamespace $netns
    }

    # Runs a page's examples in a child pwsh in the test's network namespace; one result per block.
    function Invoke-Page([string] $Path) {
        $result = Join-Path $sandbox "$([IO.Path]::GetFileName($Path)).json"
        $cwd = if ([IO.Path]::GetFileName($Path) -eq 'README.md') { $repoRoot } else { $sandbox }
        $runner = Join-Path $PSScriptRoot 'DocExamples/Invoke-DocExamples.ps1'
        $log = ip netns exec $netns @pwsh -NoProfile -NonInteractive -File $runner -ModuleManifest $modulePath -Page $Path -WorkingDirectory $cwd -ResultFile $result 2>&1
        if (-not (Test-Path $result)) { throw "the example runner wrote no results for $Path`: $($log -join "`n")" }
        @(Get-Content -Raw $result | ConvertFrom-Json)
    }
}

AfterAll {
    if ($isRoot) {
        Stop-TestSshd $sshd
        ip netns del $netns
        if ($madeBlue) { ip netns del blue }
    }
    Remove-Item -Recurse -Force $sandbox -ErrorAction SilentlyContinue
}

Describe '<Name>' -ForEach $pages -Tag Root {
    BeforeAll {
        if ($isRoot) { $script:results = Invoke-Page $Path }
    }

    BeforeEach {
        if (-not $isRoot) { Set-ItResult -Skipped -Because 'the examples load programs into the kernel (root)' }
    }

    It 'runs the example at line <Line> (<Heading>)' -ForEach $Examples {
        $r = $results | Where-Object Index -eq $Index
        $r | Should -Not -BeNullOrEmpty -Because 'the runner reports every block'
        $r.Ok | Should -BeTrue -Because "$Name line $Line failed: $($r.Error)`n$Code"
    }
}

Describe 'after the examples' -Tag Root {
    It 'leaves no cgroup behind' {
        if (-not $isRoot) { Set-ItResult -Skipped -Because 'the examples need root'; return }
        Test-Path (Join-Path $cgroup2Root 'system.slice') | Should -Be $sliceExisted -Because 'the runner removes the system.slice it made'
    }
}
