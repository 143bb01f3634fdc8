#Requires -Version 7.6
#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0.0' }
<#
    When things go wrong around the module (docs/reliability.md):
    - a pwsh killed with SIGKILL while it loads and attaches objects, or while it writes entries into a pinned map:
      afterwards the kernel holds none of its unpinned programs, maps and links (checked by the ids the child reported,
      and by name for the ones it had no time to report), and the pinned map is intact and reused by the next run,
      holding exactly the entries written before the kill;
    - a map whose object is removed (from another runspace) while Receive-BpfRingBuffer -Wait reads it: the read ends
      with BpfObjectNotLoaded naming the map, instead of waiting for records nobody will write.
#>

BeforeAll {
    . (Join-Path $PSScriptRoot 'PSBpf.TestSetup.ps1')
    . (Join-Path $repoRoot 'scripts/PwshCommand.ps1')
    $script:modulePath = (Get-Module PSBpf).Path
    $script:work = Join-Path ([IO.Path]::GetTempPath()) "psbpf-reliability-$PID"
    New-Item -ItemType Directory -Path $work -Force | Out-Null

    # Starts a child pwsh on $Script (args after it), its stdout read line by line into a queue.
    function Start-Child([string] $Script, [string[]] $Arguments) {
        $path = Join-Path $work "child-$([guid]::NewGuid().ToString('n')).ps1"
        Set-Content -Path $path -Value $Script
        $psi = New-PwshStartInfo (@('-NoProfile', '-NonInteractive', '-File', $path, $modulePath) + $Arguments)
        $psi.RedirectStandardOutput = $true
        $psi.RedirectStandardError = $true
        $p = [Diagnostics.Process]::Start($psi)
        $lines = [Collections.Concurrent.ConcurrentQueue[string]]::new()
        $errors = [Collections.Concurrent.ConcurrentQueue[string]]::new()
        $null = Register-ObjectEvent -InputObject $p -EventName OutputDataReceived -MessageData $lines -Action { if ($null -ne $EventArgs.Data) { $Event.MessageData.Enqueue($EventArgs.Data) } }
        $null = Register-ObjectEvent -InputObject $p -EventName ErrorDataReceived -MessageData $errors -Action { if ($null -ne $EventArgs.Data) { $Event.MessageData.Enqueue($EventArgs.Data) } }
        $p.BeginOutputReadLine()
        $p.BeginErrorReadLine()
        [pscustomobject]@{ Process = $p; Lines = $lines; Errors = $errors }
    }

    function Stop-ChildHard($Child) {
        kill -KILL $Child.Process.Id
        $Child.Process.WaitForExit(10000) | Should -BeTrue
        $Child.Process.ExitCode | Should -Be 137 -Because 'the child died of SIGKILL (128 + 9), not of its own accord'
        Start-Sleep -Milliseconds 200   # the last output lines
    }

    # Kernel ids the child reported on lines "prog <ids>", "map <ids>", "link <ids>".
    function Get-ReportedId($Child, [string] $Kind) {
        @($Child.Lines.ToArray() | Where-Object { $_ -like "$Kind *" } | ForEach-Object { ($_ -split ' ', 2)[1] -split ',' } |
            Where-Object { $_ } | ForEach-Object { [uint32]$_ })
    }

    function Test-Gone([string] $Kind, [uint32[]] $Ids) {
        foreach ($id in $Ids) {
            $found = switch ($Kind) {
                'prog' { Get-BpfProgram -Id $id -ErrorAction SilentlyContinue }
                'map' { Get-BpfMap -Id $id -ErrorAction SilentlyContinue }
                'link' { Get-BpfLink -Id $id -ErrorAction SilentlyContinue }
            }
            if ($found) { return $false }
        }
        $true
    }
}

AfterAll {
    Get-EventSubscriber | Unregister-Event
    Remove-Item -Recurse -Force $work -ErrorAction SilentlyContinue
}

Describe 'A pwsh killed with SIGKILL' -Tag Root {
    BeforeEach {
        if (-not $isRoot) { Set-ItResult -Skipped -Because 'the child loads and attaches programs (root)' }
    }

    It 'leaves none of its programs, maps or links when killed <Delay> ms into loading and attaching' -ForEach @(
        @{ Delay = 150 }, @{ Delay = 700 }, @{ Delay = 1600 }
    ) {
        $lastProgram = (@(Get-BpfProgram).Id | Measure-Object -Maximum).Maximum
        $child = Start-Child -Arguments (Join-Path $fixtures 'bootstrap.bpf.o') -Script @'
param($module, $object)
Import-Module $module
$held = [Collections.Generic.List[object]]::new()
while ($true) {
    $o = Import-BpfObject $object | Invoke-BpfLoad
    $held.Add($o)
    "prog $(@($o.Programs.Id) -join ',')"
    "map $(@($o.Maps.Id) -join ',')"
    $links = @($o | Add-BpfAttachment)
    "link $(@($links | ForEach-Object { (Get-BpfLink -ProgramId $_.Program.Id).Id }) -join ',')"
}
'@
        $deadline = (Get-Date).AddSeconds(30)
        while (-not ($child.Lines.ToArray() -like 'link *') -and (Get-Date) -lt $deadline -and -not $child.Process.HasExited) { Start-Sleep -Milliseconds 20 }
        $child.Lines.ToArray() -like 'link *' | Should -Not -BeNullOrEmpty -Because "the child loads and attaches at least once: $($child.Errors.ToArray() -join "`n")"
        Start-Sleep -Milliseconds $Delay
        Stop-ChildHard $child

        $programs = Get-ReportedId $child 'prog'
        $maps = Get-ReportedId $child 'map'
        $links = Get-ReportedId $child 'link'
        $programs.Count | Should -BeGreaterThan 0
        $links.Count | Should -BeGreaterThan 0
        # Tracepoint links release their programs after an RCU grace period: poll.
        Wait-Until { (Test-Gone 'link' $links) -and (Test-Gone 'prog' $programs) -and (Test-Gone 'map' $maps) } -Seconds 20 |
            Should -BeTrue -Because 'every program, map and link the child reported goes with it'
        # What it loaded but had no time to report: bootstrap's programs, loaded after the test began, held by nobody.
        Wait-Until {
            -not @(Get-BpfProgram -Name handle_exec, handle_exit -ErrorAction SilentlyContinue |
                    Where-Object { $_.Id -gt $lastProgram -and $_.Pids.Count -eq 0 -and $_.PinnedPaths.Count -eq 0 })
        } -Seconds 20 | Should -BeTrue -Because 'no program of the killed child is left without a holder'
    }

    It 'leaves its pinned map intact, holding exactly the entries written before the kill, for the next run to reuse' {
        $pinDir = "/sys/fs/bpf/psbpf-reliability-$PID"
        New-Item -ItemType Directory -Path $pinDir -Force | Out-Null
        try {
            $child = Start-Child -Arguments (Join-Path $fixtures 'app.bpf.o'), $pinDir -Script @'
param($module, $object, $pinDir)
Import-Module $module
$o = Import-BpfObject $object | Invoke-BpfLoad -PinPath $pinDir
"map $($o.Maps.counts.Id)"
0..1023 | ForEach-Object { Start-Sleep -Milliseconds 2; [pscustomobject]@{ Key = $_; Value = 3 * $_ + 1 } } | Set-BpfMapEntry $o.Maps.counts
"done"
'@
            $pin = Join-Path $pinDir 'counts'
            $deadline = (Get-Date).AddSeconds(30)
            while (-not ((Test-Path $pin) -and @(Get-BpfMapEntry -PinnedPath $pin).Count -ge 100) -and (Get-Date) -lt $deadline -and -not $child.Process.HasExited) {
                Start-Sleep -Milliseconds 20
            }
            Stop-ChildHard $child
            $child.Lines.ToArray() | Should -Not -Contain 'done' -Because 'the kill came in the middle of the writes'
            $mapId = (Get-ReportedId $child 'map')[0]

            Test-Path $pin | Should -BeTrue
            $entries = @(Get-BpfMapEntry -PinnedPath $pin | Sort-Object Key)
            $entries.Count | Should -BeGreaterOrEqual 100
            # One BPF_MAP_UPDATE_ELEM per entry, in pipeline order: what the kill left is a prefix, each entry whole.
            $entries.Key | Should -Be @(0..($entries.Count - 1))
            $entries | ForEach-Object { $_.Value | Should -Be (3 * $_.Key + 1) }
            (Get-BpfMap -Id $mapId).PinnedPaths | Should -Contain $pin

            # The next run finds the pin and reuses the map, entries and all.
            $next = Import-BpfObject (Join-Path $fixtures 'app.bpf.o') | Invoke-BpfLoad -PinPath $pinDir
            try {
                $next.Maps.counts.Id | Should -Be $mapId
                $next.Maps.counts.ReusedPin | Should -BeTrue
                @(Get-BpfMapEntry $next.Maps.counts).Count | Should -Be $entries.Count
            }
            finally { $next | Remove-BpfObject -Unpin }
            Test-Path $pin | Should -BeFalse
        }
        finally { Remove-Item -Recurse -Force $pinDir -ErrorAction SilentlyContinue }
    }
}

Describe 'A map removed while it is read' -Tag Root {
    BeforeEach {
        if (-not $isRoot) { Set-ItResult -Skipped -Because 'the reader needs a loaded object (root)' }
    }

    It 'ends Receive-BpfRingBuffer -Wait on a <Kind> with BpfObjectNotLoaded when another runspace removes its object' -ForEach @(
        @{ Kind = 'ring buffer'; Fixture = 'bootstrap.bpf.o'; Map = 'rb'; Type = 'event'; Header = 'bootstrap.h' }
        @{ Kind = 'perf event array'; Fixture = 'perfbuf.bpf.o'; Map = 'events'; Type = 'perf_event_rec'; Header = 'perfbuf.h' }
    ) {
        $o = Import-BpfObject (Join-Path $fixtures $Fixture) | Invoke-BpfLoad
        $null = $o | Add-BpfAttachment
        $rs = [runspacefactory]::CreateRunspace()
        $rs.Open()
        $ps = [powershell]::Create()
        $ps.Runspace = $rs
        try {
            $null = $ps.AddScript('param($module, $map, $type, $header) Import-Module $module; Receive-BpfRingBuffer $map -Header $header -Type $type -Wait | Out-Null').
                AddArgument($modulePath).AddArgument($o.Maps[$Map]).AddArgument($Type).AddArgument((Join-Path $repoRoot "tests/fixtures/$Header"))
            $async = $ps.BeginInvoke()
            Start-Sleep -Milliseconds 800
            $async.IsCompleted | Should -BeFalse -Because '-Wait reads until stopped'
            $o | Remove-BpfObject
            $async.AsyncWaitHandle.WaitOne(5000) | Should -BeTrue -Because 'the read ends once its map is closed'
            $ps.Streams.Error.Count | Should -Be 1
            $ps.Streams.Error[0].FullyQualifiedErrorId | Should -Be 'BpfObjectNotLoaded,PSBpf.Commands.ReceiveBpfRingBufferCommand'
            $ps.Streams.Error[0].Exception.Message | Should -Be "map '$Map' was closed while it was being read: its object was disposed"
        }
        finally {
            if ($ps.InvocationStateInfo.State -eq 'Running') { $ps.Stop() }
            $ps.Dispose()
            $rs.Dispose()
            $o.Dispose()
        }
    }
}

Describe 'Pins' -Tag Root {
    BeforeAll {
        if ($isRoot) {
            $script:pinBase = "/sys/fs/bpf/psbpf-pins-$PID"
            $null = [IO.Directory]::CreateDirectory($pinBase)
            $script:outside = Join-Path $work 'not-bpffs'
            $null = [IO.Directory]::CreateDirectory($outside)
            # A symbolic link on bpffs that leads out of it.
            $null = New-Item -ItemType SymbolicLink -Path "$pinBase/out" -Target $outside
        }
    }
    AfterAll {
        if ($isRoot) { [IO.Directory]::Delete($pinBase, $true) }
    }
    BeforeEach {
        if (-not $isRoot) { Set-ItResult -Skipped -Because 'pins need loaded objects (root)' }
    }

    It 'refuses a map pin directory that <Label> leads off bpffs, before creating anything' -ForEach @(
        @{ Label = 'a symbolic link'; Sub = 'out' }
        @{ Label = '..'; Sub = '../../../..' }
    ) {
        $dir = if ($Sub -eq 'out') { "$pinBase/out" } else { "$pinBase/$Sub$outside" }
        $mapsBefore = @(Get-BpfMap -Name counts -ErrorAction SilentlyContinue).Id
        $err = { Import-BpfObject (Join-Path $fixtures 'app.bpf.o') | Invoke-BpfLoad -PinPath $dir -ErrorAction Stop } |
            Should -Throw -ErrorId 'BpfLoadFailed,PSBpf.Commands.InvokeBpfLoadCommand' -PassThru
        $err.Exception.Message | Should -Match 'is not on a bpffs mount'
        @(Get-ChildItem $outside) | Should -BeNullOrEmpty
        @(Get-BpfMap -Name counts -ErrorAction SilentlyContinue | Where-Object Id -notin $mapsBefore | Where-Object { $_.Pids.Pid -contains $PID }) | Should -BeNullOrEmpty
    }

    It 'refuses a link pin through a symbolic link off bpffs as BpfPinPathInvalid' {
        $o = Import-BpfObject (Join-Path $fixtures 'bootstrap.bpf.o') | Invoke-BpfLoad
        try {
            $err = { $o.Programs.handle_exec | Add-BpfAttachment -PinPath "$pinBase/out/link" -ErrorAction Stop } |
                Should -Throw -ErrorId 'BpfPinPathInvalid,PSBpf.Commands.AddBpfAttachmentCommand' -PassThru
            $err.Exception.Message | Should -Match 'is not on a bpffs mount'
            @(Get-ChildItem $outside) | Should -BeNullOrEmpty
        }
        finally { $o | Remove-BpfObject }
    }

    It 'pins and unpins under names with spaces, wildcards and non-ASCII characters' {
        $odd = "$pinBase/odd é [x]* ?"
        $null = [IO.Directory]::CreateDirectory($odd)
        $o = Import-BpfObject (Join-Path $fixtures 'bootstrap.bpf.o') | Invoke-BpfLoad -PinPath $odd
        $app = Import-BpfObject (Join-Path $fixtures 'app.bpf.o') | Invoke-BpfLoad -PinPath $odd
        $link = $o.Programs.handle_exec | Add-BpfAttachment -PinPath "$odd/link é*?"
        [IO.File]::Exists("$odd/counts") | Should -BeTrue
        [IO.File]::Exists("$odd/link é*?") | Should -BeTrue
        (Get-BpfLink -PinnedPath "$odd/link é*?").ProgramId | Should -Be $o.Programs.handle_exec.Id
        $o | Remove-BpfObject -Unpin
        $app | Remove-BpfObject -Unpin
        @([IO.Directory]::GetFileSystemEntries($odd)) | Should -BeNullOrEmpty
    }

    It 'leaves alone a pin that another object took over before Remove-BpfObject -Unpin' {
        $dir = "$pinBase/replaced"
        $null = [IO.Directory]::CreateDirectory($dir)
        $mine = Import-BpfObject (Join-Path $fixtures 'app.bpf.o') | Invoke-BpfLoad -PinPath $dir
        # Someone removes the pin and pins their own map there (a second load, which then creates a fresh one).
        Remove-Item "$dir/counts"
        $theirs = Import-BpfObject (Join-Path $fixtures 'app.bpf.o') | Invoke-BpfLoad -PinPath $dir
        $theirId = $theirs.Maps.counts.Id
        $theirId | Should -Not -Be $mine.Maps.counts.Id
        $theirs.Dispose()
        $mine | Remove-BpfObject -Unpin
        [IO.File]::Exists("$dir/counts") | Should -BeTrue -Because 'the pin holds another object''s map now'
        (bpftool -j map show pinned "$dir/counts" | ConvertFrom-Json).id | Should -Be $theirId
        Remove-Item "$dir/counts"
    }
}
