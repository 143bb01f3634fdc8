#Requires -Version 7.6
#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0.0' }
<#
    Every error id in about_PSBpf's table, provoked for real and caught the way a script catches it:
    -ErrorAction SilentlyContinue -ErrorVariable, then FullyQualifiedErrorId and CategoryInfo.Category as documented.
    The few ids that no input can provoke on purpose are listed with the reason (and get no test); the table and this
    file must agree.
#>

BeforeDiscovery {
    $root = Split-Path -Parent $PSScriptRoot
    # No input reaches these on purpose; each is covered where its cause can be made (see the test named).
    $unreachable = @{
        BpfInspectionFailed = 'a listing syscall failing with an errno other than EPERM/ENOENT; the classifier test (tests/PSBpf.Module.Tests/ErrorClassifierTests.cs) feeds it'
        BpfOperationStopped = 'a cancellation that is not a pipeline stop; a stop ends the pipeline without an error record (PSBpf.Interactive.Tests.ps1)'
        BpfDisassemblyFailed = 'the kernel refusing BPF_PROG_GET_INFO_BY_FD for a program it listed'
        BpfUnexpectedError = 'any exception PSBpf does not classify: a bug by definition'
    }

    # | BpfObjectNotFound | ObjectNotFound | meaning |
    $documented = Get-Content (Join-Path $root 'docs/about_PSBpf.md') |
        Where-Object { $_ -match '^\|\s*(Bpf\w+)\s*\|\s*(\w+)\s*\|' } |
        ForEach-Object { @{ Id = $Matches[1]; Category = $Matches[2] } } |
        Where-Object { -not $unreachable.ContainsKey($_.Id) }
    $unreachableIds = @($unreachable.Keys)
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'PSBpf.TestSetup.ps1')
    . (Join-Path $repoRoot 'scripts/PwshCommand.ps1')
    $script:work = Join-Path ([IO.Path]::GetTempPath()) "psbpf-errors-$PID"
    New-Item -ItemType Directory -Path $work -Force | Out-Null
    $script:pinDir = "/sys/fs/bpf/psbpf-errors-$PID"
    if ($isRoot) { New-Item -ItemType Directory -Path $pinDir -Force | Out-Null }
    $script:minimal = Join-Path $fixtures 'minimal.bpf.o'
    $script:bootstrap = Join-Path $fixtures 'bootstrap.bpf.o'

    # The first error record $Action writes, caught with -ErrorVariable in a child pwsh started through $Wrapper
    # (for ids that need another process state: no capabilities, no tracefs).
    function Get-ChildErrorId([string[]] $Wrapper, [string] $Action) {
        $pwsh = @(Get-PwshCommand)
        # a terminating error is caught as a script catches it; a non-terminating one lands in -ErrorVariable
        $command = "`$PSStyle.OutputRendering = 'PlainText'; Import-Module '$((Get-Module PSBpf).Path)'; try { $Action -ErrorAction SilentlyContinue -ErrorVariable e | Out-Null } catch { `$e = @(`$_) }; `"`$(`$e[0].FullyQualifiedErrorId)|`$(`$e[0].CategoryInfo.Category)`""
        $out = & $Wrapper[0] @($Wrapper | Select-Object -Skip 1) @pwsh -NoProfile -NonInteractive -Command $command 2>&1
        $line = @($out | Where-Object { "$_" -match '^Bpf\w+,' }) | Select-Object -Last 1
        $id, $category = "$line" -split '\|'
        [pscustomobject]@{ FullyQualifiedErrorId = $id; Category = $category; Output = ($out -join "`n") -replace '\x1b\[[0-9;]*m' }
    }

    # Scripts that make each error happen; each runs with -ErrorAction SilentlyContinue -ErrorVariable e appended to its
    # last command. $o is a loaded bootstrap.bpf.o where that helps.
    $script:provoke = @{
        BpfObjectNotFound = { [CmdletBinding()] param() Import-BpfObject (Join-Path $work 'missing.bpf.o') }
        BpfObjectInvalid = { [CmdletBinding()] param() Set-Content -LiteralPath (Join-Path $work 'junk.bpf.o') -Value 'not an ELF file'; Import-BpfObject -LiteralPath (Join-Path $work 'junk.bpf.o') }
        BpfObjectWrongByteOrder = {
            [CmdletBinding()] param()
            $eb = Join-Path $work 'pinned-eb.bpf.o'
            # the fixture, compiled for big-endian BPF as -target bpfeb does (uapi headers only)
            $multiarch = "/usr/include/$(gcc -print-multiarch)"
            if (-not (Test-Path $eb)) { clang-14 -target bpfeb -O2 -g -I $multiarch -c (Join-Path $repoRoot 'tests/fixtures/pinned.bpf.c') -o $eb }
            Import-BpfObject -LiteralPath $eb
        }
        BpfValueInvalid = { [CmdletBinding()] param() $c = Import-BpfObject (Join-Path $fixtures 'calls.bpf.o') | Invoke-BpfLoad; Set-BpfMapEntry $c.Maps.results -Key 2 -Value -1 }
        BpfPathNotFileSystem = { [CmdletBinding()] param() Import-BpfObject -Path Env:PATH }
        BpfPathIsDirectory = { [CmdletBinding()] param() Import-BpfObject -LiteralPath $work }
        BpfReadError = { [CmdletBinding()] param() Import-BpfObject -LiteralPath /proc/self/mem }
        BpfMapWrongType = { [CmdletBinding()] param() Receive-BpfRingBuffer -Map $o.Maps.exec_start -Timeout 0.1 }
        BpfTypeNotFound = { [CmdletBinding()] param() Receive-BpfRingBuffer -Map $o.Maps.rb -Type no_such_struct -Timeout 0.1 }
        BpfHeaderInvalid = { [CmdletBinding()] param() Receive-BpfRingBuffer -Map $o.Maps.rb -TypeDefinition 'struct event { int pid; mystery_t x; };' -Timeout 0.1 }
        BpfVerifierRejected = { [CmdletBinding()] param() Import-BpfObject (Join-Path $fixtures 'bad_verifier.bpf.o') | Invoke-BpfLoad }
        BpfLoadFailed = {
            [CmdletBinding()] param()
            $p = Import-BpfObject (Join-Path $fixtures 'pinned.bpf.o') | Invoke-BpfLoad -PinPath $pinDir
            Import-BpfObject (Join-Path $fixtures 'pinned_mismatch.bpf.o') | Invoke-BpfLoad -PinPath $pinDir
        }
        BpfObjectAlreadyLoaded = { [CmdletBinding()] param() $o | Invoke-BpfLoad }
        BpfObjectNotLoaded = { [CmdletBinding()] param() $n = Import-BpfObject $minimal; Get-BpfMapEntry -Map $n.Maps[0] }
        BpfMapKeyNotFound = { [CmdletBinding()] param() Get-BpfMapEntry -Map $o.Maps.exec_start -Key 0 }
        BpfMapOperationFailed = { [CmdletBinding()] param() Set-BpfMapEntry $o.Maps.exec_start -Key 7 -Value 1; Set-BpfMapEntry $o.Maps.exec_start -Key 7 -Value 2 -Flag NoExist }
        BpfKernelObjectNotFound = { [CmdletBinding()] param() Get-BpfProgram -Id ([uint32]::MaxValue) }
        BpfAttachTargetRequired = { [CmdletBinding()] param() $s = Import-BpfObject (Join-Path $fixtures 'socket_filter.bpf.o') | Invoke-BpfLoad; $s.Programs[0] | Add-BpfAttachment }
        BpfAttachFailed = { [CmdletBinding()] param() $x = Import-BpfObject (Join-Path $fixtures 'xdp.bpf.o') | Invoke-BpfLoad; $x.Programs.xdp_count | Add-BpfAttachment -Interface psbpf-none0 }
        BpfMapKeyRequired = { [CmdletBinding()] param() Set-BpfMapEntry $o.Maps.exec_start -Value 1 }
        BpfPinPathInvalid = { [CmdletBinding()] param() $o.Programs.handle_exec | Add-BpfAttachment -PinPath (Join-Path $work 'not-bpffs') }
        BpfPinExists = {
            [CmdletBinding()] param()
            $m = Import-BpfObject $minimal | Invoke-BpfLoad
            $m.Programs.handle_tp | Add-BpfAttachment -PinPath (Join-Path $pinDir 'twice') | Out-Null
            $m.Programs.handle_tp | Add-BpfAttachment -PinPath (Join-Path $pinDir 'twice')
        }
        BpfPinNotFound = { [CmdletBinding()] param() Get-BpfLink -PinnedPath (Join-Path $pinDir 'nothing') }
        BpfPinNotALink = {
            [CmdletBinding()] param()
            $p = Import-BpfObject (Join-Path $fixtures 'pinned.bpf.o') | Invoke-BpfLoad -PinPath $pinDir
            Get-BpfLink -PinnedPath (Join-Path $pinDir 'psbpf_shared')
        }
        BpfLinkNotPinnable = {
            [CmdletBinding()] param()
            $cg = Import-BpfObject (Join-Path $fixtures 'cgroup_skb.bpf.o') | Invoke-BpfLoad
            $cg.Programs.cg_egress | Add-BpfAttachment -CgroupPath $cgroup2Root -Legacy -PinPath (Join-Path $pinDir 'legacy')
        }
        BpfLinkStillAttached = {
            [CmdletBinding()] param()
            # a perf_event link (no BPF_LINK_DETACH) that another process holds open when its pin is removed
            $m = Import-BpfObject $minimal | Invoke-BpfLoad
            $pin = Join-Path $pinDir 'held'
            $l = $m.Programs.handle_tp | Add-BpfAttachment -PinPath $pin
            $hold = "Import-Module '$((Get-Module PSBpf).Path)'; `$h = [PSBpf.Engine.BpfKernelLink]::OpenPinned('$pin'); 'held'; Start-Sleep 60"
            $psi = New-PwshStartInfo @('-NoProfile', '-NonInteractive', '-Command', $hold)
            $psi.RedirectStandardOutput = $true
            $holder = [Diagnostics.Process]::Start($psi)
            try {
                while (($line = $holder.StandardOutput.ReadLine()) -ne $null -and $line -ne 'held') { }
                $l.Dispose()
                Remove-BpfAttachment -PinnedPath $pin
            }
            finally { $holder.Kill(); $holder.WaitForExit() }
        }
        BpfProgramNotFound = { [CmdletBinding()] param() Test-BpfObject $minimal -Program no_such_program }
        BpfRunInputInvalid = { [CmdletBinding()] param() $t = Import-BpfObject (Join-Path $fixtures 'test_run.bpf.o') | Invoke-BpfLoad; Invoke-BpfProgram $t.Programs.xdp_filter }
        BpfRunFailed = { [CmdletBinding()] param() Invoke-BpfProgram $o.Programs.handle_exec -Data ([byte[]]::new(64)) }
        BpfTargetNotFound = { [CmdletBinding()] param() Get-BpfNetAttachment -Interface 'psbpf-no-such-if0' }
        BpfHistogramInputInvalid = { [CmdletBinding()] param() [pscustomobject]@{ Key = 'not an index'; Value = 1 } | ConvertTo-BpfHistogram }
    }

    # Need a process without capabilities or without tracefs: run in a child pwsh.
    $script:provokeInChild = @{
        BpfPermissionDenied = @{ Wrapper = @('setpriv', '--bounding-set', '-all'); Action = 'Get-BpfProgram' }
        BpfTraceLogUnavailable = @{
            Wrapper = @('unshare', '-m', '--propagation', 'private', 'sh', '-c', 'umount -l /sys/kernel/tracing 2>/dev/null; umount -l /sys/kernel/debug/tracing 2>/dev/null; exec "$@"', 'sh')
            Action = 'Receive-BpfTraceLog -Timeout 0.1'
        }
    }

    if ($isRoot) { $script:o = Import-BpfObject $bootstrap | Invoke-BpfLoad }
}

AfterAll {
    if ($isRoot) {
        Remove-Module PSBpf   # releases every object the scripts above loaded
        Get-ChildItem $pinDir -ErrorAction SilentlyContinue | Remove-Item -Force
        Remove-Item $pinDir -Force -ErrorAction SilentlyContinue
    }
    Remove-Item -Recurse -Force $work -ErrorAction SilentlyContinue
}

Describe 'Documented error ids' -Tag Root {
    BeforeEach {
        if (-not $isRoot) { Set-ItResult -Skipped -Because 'provoking most errors loads programs (root)' }
    }

    It 'about_PSBpf documents every id this file provokes or explains, and only those' -ForEach @{ Unreachable = $unreachableIds } {
        $ids = @($provoke.Keys) + @($provokeInChild.Keys) + $Unreachable | Sort-Object
        $table = @(Get-Content (Join-Path $repoRoot 'docs/about_PSBpf.md') | Where-Object { $_ -match '^\|\s*(Bpf\w+)\s*\|' } | ForEach-Object { $Matches[1] }) | Sort-Object
        $ids | Should -Be $table
    }

    It '<Id> is written with category <Category>' -ForEach $documented {
        if ($provokeInChild.ContainsKey($Id)) {
            $r = Get-ChildErrorId $provokeInChild[$Id].Wrapper $provokeInChild[$Id].Action
            $r.FullyQualifiedErrorId | Should -BeLike "$Id,PSBpf.Commands.*" -Because $r.Output
            $r.Category | Should -Be $Category
            return
        }
        $e = $null
        & $provoke[$Id] -ErrorAction SilentlyContinue -ErrorVariable e | Out-Null
        $e | Should -Not -BeNullOrEmpty -Because "provoking $Id writes an error record"
        $e[0].FullyQualifiedErrorId | Should -BeLike "$Id,PSBpf.Commands.*"
        "$($e[0].CategoryInfo.Category)" | Should -Be $Category
        $e[0].Exception.Message | Should -Not -BeNullOrEmpty
    }
}
