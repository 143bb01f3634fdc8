#Requires -Version 7.6
#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0.0' }
<#
    What a person at the prompt does, driven for real: PowerShell.Stop() on a waiting Receive-BpfRingBuffer and
    Receive-BpfTraceLog in a second runspace; Ctrl+C (SIGINT to a child pwsh) at Add-BpfAttachment's -Confirm prompt
    between two programs; answering -Confirm prompts of every changing cmdlet; tab completion through TabExpansion2;
    and the by-name members $o.Programs.<name> and $o.Globals.<name> = value.
#>

BeforeAll {
    . (Join-Path $PSScriptRoot 'PSBpf.TestSetup.ps1')
    $script:modulePath = (Get-Module PSBpf).Path
    . (Join-Path $repoRoot 'scripts/PwshCommand.ps1')

    # Descriptors of kernel objects (BPF maps, programs, links, epoll, perf events); the runtime's own files come and go.
    function Get-FdCount { @(Get-ChildItem /proc/self/fd | Where-Object { $_.LinkTarget -like 'anon_inode:*' }).Count }

    # Runs $Script in a second runspace of this process, stops it after it has waited a while, and returns how long
    # Stop() took and the state it ended in.
    function Stop-AfterWaiting([string] $Script, [object[]] $Arguments) {
        $ps = [powershell]::Create()
        try {
            # one script, not a batch of statements: a stopped batch would go on to its next statement on a pool thread
            $null = $ps.AddScript("Import-Module '$modulePath'`n$Script")
            foreach ($a in $Arguments) { $null = $ps.AddArgument($a) }
            $async = $ps.BeginInvoke()
            Start-Sleep -Milliseconds 1500
            $state = $ps.InvocationStateInfo.State
            $watch = [Diagnostics.Stopwatch]::StartNew()
            $ps.Stop()
            $watch.Stop()
            [pscustomobject]@{
                WaitedIn = $state
                StopTook = $watch.Elapsed
                State = $ps.InvocationStateInfo.State
                Errors = @($ps.Streams.Error)
            }
        }
        finally { $ps.Dispose() }
    }

    # A host whose -Confirm prompts answer Yes once, then wait at the second until released and end it as pwsh's
    # console host ends a prompt at Ctrl+C.
    if (-not ('PSBpfTests.PromptingHost' -as [type])) {
        Add-Type -TypeDefinition @'
using System;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.Globalization;
using System.Management.Automation;
using System.Management.Automation.Host;
using System.Security;
using System.Threading;
namespace PSBpfTests {
public sealed class PromptingUI : PSHostUserInterface {
    private int _prompts;
    public ManualResetEventSlim AtSecondPrompt { get; } = new ManualResetEventSlim();
    public ManualResetEventSlim Release { get; } = new ManualResetEventSlim();
    public override PSHostRawUserInterface RawUI => null;
    public override int PromptForChoice(string caption, string message, Collection<ChoiceDescription> choices, int defaultChoice) {
        if (Interlocked.Increment(ref _prompts) == 1) return 0;
        AtSecondPrompt.Set();
        Release.Wait();
        throw new PipelineStoppedException();
    }
    public override string ReadLine() => throw new NotSupportedException();
    public override SecureString ReadLineAsSecureString() => throw new NotSupportedException();
    public override void Write(string value) { }
    public override void Write(ConsoleColor foregroundColor, ConsoleColor backgroundColor, string value) { }
    public override void WriteLine(string value) { }
    public override void WriteErrorLine(string value) { }
    public override void WriteDebugLine(string message) { }
    public override void WriteProgress(long sourceId, ProgressRecord record) { }
    public override void WriteVerboseLine(string message) { }
    public override void WriteWarningLine(string message) { }
    public override Dictionary<string, PSObject> Prompt(string caption, string message, Collection<FieldDescription> descriptions) => throw new NotSupportedException();
    public override PSCredential PromptForCredential(string caption, string message, string userName, string targetName) => throw new NotSupportedException();
    public override PSCredential PromptForCredential(string caption, string message, string userName, string targetName, PSCredentialTypes allowedCredentialTypes, PSCredentialUIOptions options) => throw new NotSupportedException();
}
public sealed class PromptingHost : PSHost {
    private readonly Guid _id = Guid.NewGuid();
    private readonly PromptingUI _ui = new PromptingUI();
    public override PSHostUserInterface UI => _ui;
    public PromptingUI Prompts => _ui;
    public override string Name => "PSBpfTests";
    public override Version Version => new Version(1, 0);
    public override Guid InstanceId => _id;
    public override CultureInfo CurrentCulture => CultureInfo.InvariantCulture;
    public override CultureInfo CurrentUICulture => CultureInfo.InvariantCulture;
    public override void SetShouldExit(int exitCode) { }
    public override void EnterNestedPrompt() => throw new NotSupportedException();
    public override void ExitNestedPrompt() => throw new NotSupportedException();
    public override void NotifyBeginApplication() { }
    public override void NotifyEndApplication() { }
}
}
'@
    }

    # Runs $Command in a child pwsh whose prompts read the answers from stdin; returns its output lines.
    function Invoke-ChildPwsh([string] $Command, [string[]] $Answers) {
        $psi = New-PwshStartInfo @('-NoProfile', '-Command', $Command)
        $psi.RedirectStandardInput = $true
        $psi.RedirectStandardOutput = $true
        $psi.RedirectStandardError = $true
        $p = [Diagnostics.Process]::Start($psi)
        foreach ($a in $Answers) { $p.StandardInput.WriteLine($a) }
        $out = $p.StandardOutput.ReadToEndAsync()
        $err = $p.StandardError.ReadToEndAsync()
        if (-not $p.WaitForExit(60000)) { $p.Kill(); throw "child pwsh did not finish: $Command" }
        @(($out.Result + $err.Result) -split "`n" | ForEach-Object TrimEnd)
    }
}

Describe 'Stopping a waiting command' -Tag Root {
    BeforeEach {
        if (-not $isRoot) { Set-ItResult -Skipped -Because 'loading programs needs root (CAP_BPF)' }
    }

    It 'PowerShell.Stop() ends Receive-BpfRingBuffer -Wait promptly and releases the reader' {
        $o = Import-BpfObject (Join-Path $fixtures 'bootstrap.bpf.o') | Invoke-BpfLoad
        try {
            $before = Get-FdCount
            $r = Stop-AfterWaiting 'Receive-BpfRingBuffer -Map $args[0] -Header $args[1] -Type event -Wait' @($o.Maps.rb, $bootstrapHeader)
            $r.WaitedIn | Should -Be 'Running' -Because 'the command was waiting for records when stopped'
            $r.State | Should -Be 'Stopped'
            $r.StopTook | Should -BeLessThan ([timespan]::FromSeconds(3))
            Get-FdCount | Should -Be $before -Because 'the epoll and mmap descriptors of the reader are closed'
            # the map is usable again right away
            Receive-BpfRingBuffer -Map $o.Maps.rb -Header $bootstrapHeader -Type event -Timeout 0.1 | Should -BeNullOrEmpty
        }
        finally { $o | Remove-BpfObject }
    }

    It 'PowerShell.Stop() ends Receive-BpfTraceLog -Wait promptly and closes trace_pipe' {
        $before = Get-FdCount
        $r = Stop-AfterWaiting 'Receive-BpfTraceLog -Wait -ProcessId 1 -BpfPrintkOnly' @()
        $r.WaitedIn | Should -Be 'Running'
        $r.State | Should -Be 'Stopped'
        $r.StopTook | Should -BeLessThan ([timespan]::FromSeconds(3))
        Get-FdCount | Should -Be $before
        Get-ChildItem /proc/self/fd | Where-Object { $_.LinkTarget -like '*trace_pipe' } | Should -BeNullOrEmpty
    }

    It 'PowerShell.Stop() at the -Confirm prompt of a multi-program Add-BpfAttachment detaches what it attached' {
        # handle_exec is confirmed; the stop comes at handle_exit's prompt. The host answers like pwsh's console host
        # does when Ctrl+C is pressed at a prompt: the prompt ends with PipelineStoppedException.
        $o = Import-BpfObject (Join-Path $fixtures 'bootstrap.bpf.o') | Invoke-BpfLoad
        $host2 = [PSBpfTests.PromptingHost]::new()
        $rs = [runspacefactory]::CreateRunspace($host2)
        $rs.Open()
        $ps = [powershell]::Create()
        $ps.Runspace = $rs
        try {
            $null = $ps.AddScript("param(`$o) Import-Module '$modulePath'; `$o | Add-BpfAttachment -Confirm").AddArgument($o)
            $async = $ps.BeginInvoke()
            $host2.Prompts.AtSecondPrompt.Wait([timespan]::FromSeconds(30)) | Should -BeTrue -Because 'Add-BpfAttachment asks once per program'
            @(Get-BpfLink | Where-Object ProgramId -eq $o.Programs.handle_exec.Id).Count | Should -Be 1 -Because 'the first program is attached when the second prompt shows'
            $stop = $ps.BeginStop($null, $null)
            $host2.Prompts.Release.Set()
            $ps.EndStop($stop)
            $ps.InvocationStateInfo.State | Should -Be 'Stopped'
            Wait-Until { @(Get-BpfLink | Where-Object ProgramId -in $o.Programs.Id).Count -eq 0 } | Should -BeTrue -Because 'the stopped command detaches what it attached'
        }
        finally { $ps.Dispose(); $rs.Dispose(); $o | Remove-BpfObject }
    }
}

Describe '-Confirm answered at the prompt' -Tag Root {
    BeforeEach {
        if (-not $isRoot) { Set-ItResult -Skipped -Because 'loading programs needs root (CAP_BPF)' }
    }

    # Each command changes something only when its prompt is answered Y; the last line reports the state.
    It '<Name> changes nothing on N and acts on Y' -ForEach @(
        @{ Name = 'Invoke-BpfLoad'; Setup = '$o = Import-BpfObject {0}'; Act = '$o | Invoke-BpfLoad -Confirm | Out-Null'; Report = '"state: $($o.IsLoaded)"'; Before = 'False'; After = 'True' }
        @{ Name = 'Add-BpfAttachment'; Setup = '$o = Import-BpfObject {0} | Invoke-BpfLoad'; Act = '$o.Programs.handle_exec | Add-BpfAttachment -Confirm | Out-Null'; Report = '"state: $(@(Get-BpfLink -ProgramId $o.Programs.handle_exec.Id).Count)"'; Before = '0'; After = '1' }
        @{ Name = 'Remove-BpfAttachment'; Setup = '$o = Import-BpfObject {0} | Invoke-BpfLoad; $l = $o.Programs.handle_exec | Add-BpfAttachment'; Act = '$l | Remove-BpfAttachment -Confirm'; Report = '"state: $($l.IsAttached)"'; Before = 'True'; After = 'False' }
        @{ Name = 'Remove-BpfObject'; Setup = '$o = Import-BpfObject {0} | Invoke-BpfLoad'; Act = '$o | Remove-BpfObject -Confirm'; Report = '"state: $($o.IsDisposed)"'; Before = 'False'; After = 'True' }
        @{ Name = 'Set-BpfMapEntry'; Setup = '$o = Import-BpfObject {0} | Invoke-BpfLoad'; Act = 'Set-BpfMapEntry $o.Maps.exec_start -Key 1 -Value 5 -Confirm'; Report = '"state: $(@(Get-BpfMapEntry $o.Maps.exec_start).Count)"'; Before = '0'; After = '1' }
        @{ Name = 'Remove-BpfMapEntry'; Setup = '$o = Import-BpfObject {0} | Invoke-BpfLoad; Set-BpfMapEntry $o.Maps.exec_start -Key 1 -Value 5'; Act = 'Remove-BpfMapEntry $o.Maps.exec_start -Key 1 -Confirm'; Report = '"state: $(@(Get-BpfMapEntry $o.Maps.exec_start).Count)"'; Before = '1'; After = '0' }
        @{ Name = 'Invoke-BpfProgram'; Setup = '$o = Import-BpfObject ({0} -replace ''bootstrap'', ''test_run'') | Invoke-BpfLoad'; Act = 'Invoke-BpfProgram $o.Programs.raw_args -Context 3, 4, 9 -Confirm | Out-Null'; Report = '"state: $($o.Globals.raw_sum)"'; Before = '0'; After = '7' }
    ) {
        $object = "'$(Join-Path $fixtures 'bootstrap.bpf.o')'"
        $command = "Import-Module '$modulePath'; $($Setup -f $object); $Act; $Report"
        $no = Invoke-ChildPwsh $command @('N')
        $no | Where-Object { $_ -like 'state: *' } | Should -Be "state: $Before" -Because ($no -join "`n")
        ($no -join "`n") | Should -Match 'Are you sure|Performing the operation'
        $yes = Invoke-ChildPwsh $command @('Y')
        $yes | Where-Object { $_ -like 'state: *' } | Should -Be "state: $After" -Because ($yes -join "`n")
    }
}

Describe 'Tab completion (TabExpansion2)' {
    BeforeAll {
        $script:o = Import-BpfObject (Join-Path $fixtures 'bootstrap.bpf.o')
        function Complete([string] $line) { @((TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText) }
    }
    AfterAll { $o.Dispose() }

    It 'completes program names of the object given to Add-BpfAttachment' {
        Complete 'Add-BpfAttachment -InputObject $o -Name handle_ex' | Should -Be @('handle_exec', 'handle_exit')
    }

    It 'completes record types of the ring buffer''s object for Receive-BpfRingBuffer -Type' {
        Complete 'Receive-BpfRingBuffer -Map $o.Maps.rb -Type task_st' | Should -Be @('task_struct')
    }

    It 'completes record types of the -Header given to Receive-BpfRingBuffer' {
        Complete "Receive-BpfRingBuffer -Map `$o.Maps.rb -Header '$bootstrapHeader' -Type eve" | Should -Be @('event')
        Push-Location (Split-Path $bootstrapHeader)
        try { Complete 'Receive-BpfRingBuffer -Map $o.Maps.rb -Header ./bootstrap.h -Type ' | Should -Be @('event') }
        finally { Pop-Location }
    }

    It 'completes Test-BpfObject -Program from the -Path given' {
        Complete "Test-BpfObject -Path '$(Join-Path $fixtures 'bootstrap.bpf.o')' -Program handle_exi" | Should -Be @('handle_exit')
    }

    It 'completes interface names for -Interface' {
        Complete 'Add-BpfAttachment -Program $p -Interface l' | Should -Contain 'lo'
    }

    It 'completes cgroup directories for -CgroupPath' {
        $dir = Join-Path $cgroup2Root "psbpf-complete-$PID"
        if ($isRoot) { New-Item -ItemType Directory -Path $dir | Out-Null }
        try {
            if (-not $isRoot) { Set-ItResult -Skipped -Because 'making a cgroup needs root'; return }
            Complete "Add-BpfAttachment -Program `$p -CgroupPath $cgroup2Root/psbpf-complete-" | Should -Contain $dir
        }
        finally { if ($isRoot) { rmdir $dir } }
    }

    It 'completes bpftool type names for Get-BpfProgram -Type and Get-BpfMap -Type' {
        Complete 'Get-BpfProgram -Type xd' | Should -Be @('xdp')
        Complete 'Get-BpfMap -Type percpu_a' | Should -Be @('percpu_array')
    }

    It 'completes the names of loaded programs and maps for Get-BpfProgram/Get-BpfMap -Name' -Tag Root {
        if (-not $isRoot) { Set-ItResult -Skipped -Because 'listing kernel programs needs root'; return }
        $l = Import-BpfObject (Join-Path $fixtures 'bootstrap.bpf.o') | Invoke-BpfLoad
        try {
            Complete 'Get-BpfProgram -Name handle_ex' | Should -Contain 'handle_exec'
            Complete 'Get-BpfMap -Name exec_st' | Should -Contain 'exec_start'
        }
        finally { $l | Remove-BpfObject }
    }
}

Describe 'By-name members' {
    It 'reads $o.Programs.<name> and writes $o.Globals.<name> = value through BTF' {
        $o = Import-BpfObject (Join-Path $fixtures 'minimal.bpf.o')
        try {
            $o.Programs.handle_tp.Name | Should -Be 'handle_tp'
            $o.Programs.handle_tp | Should -BeOfType ([PSBpf.Engine.BpfProgram])
            $o.Globals.my_pid = $PID
            $o.Globals.my_pid | Should -Be $PID
            $o.Globals['my_pid'].GetBytes() | Should -Be ([BitConverter]::GetBytes([int]$PID))
            { $o.Globals.my_pid = 'not a number' } | Should -Throw
            $o.Globals.my_pid | Should -Be $PID -Because 'a refused value changes nothing'
        }
        finally { $o.Dispose() }
    }
}
