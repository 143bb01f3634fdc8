#Requires -Version 7.6
#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0.0' }
<#
    examples/minimal.ps1 and examples/bootstrap.ps1, libbpf-bootstrap's two programs in PowerShell, run as a user runs
    them (a child pwsh, from the repository), and do what their C originals do: minimal's program prints for the
    script's own write(2) calls, bootstrap prints EXEC and EXIT rows for processes that start and exit meanwhile.
#>

BeforeAll {
    . (Join-Path $PSScriptRoot 'PSBpf.TestSetup.ps1')
    . (Join-Path $repoRoot 'scripts/PwshCommand.ps1')

    function Start-Example([string] $Script, [string[]] $Arguments) {
        $psi = New-PwshStartInfo (@('-NoProfile', '-NonInteractive', '-File', (Join-Path $repoRoot "examples/$Script")) + $Arguments)
        $psi.RedirectStandardOutput = $true
        $psi.RedirectStandardError = $true
        $p = [Diagnostics.Process]::Start($psi)
        [pscustomobject]@{ Process = $p; Output = $p.StandardOutput.ReadToEndAsync(); Errors = $p.StandardError.ReadToEndAsync() }
    }
}

Describe 'examples/*.ps1' -Tag Root {
    BeforeEach {
        if (-not $isRoot) { Set-ItResult -Skipped -Because 'the examples load programs into the kernel (root)' }
    }

    It 'minimal.ps1: its program prints "write() from PID <pid>" for the script''s own writes and exits cleanly' {
        $run = Start-Example 'minimal.ps1' @('-Duration', '4')
        $lines = @(Receive-BpfTraceLog -BpfPrintkOnly -Match "write\(\) from PID $($run.Process.Id)\." -Count 2 -Timeout 15)
        $run.Process.WaitForExit(30000) | Should -BeTrue
        $run.Process.ExitCode | Should -Be 0 -Because $run.Errors.Result
        $lines.Count | Should -Be 2 -Because 'the script writes a dot to stderr once a second'
    }

    It 'bootstrap.ps1: prints EXEC and EXIT rows for processes that start and exit while it runs' {
        $run = Start-Example 'bootstrap.ps1' @('-Seconds', '5')
        # attached: the script's process holds a link of its handle_exec
        Wait-Until {
            Get-BpfProgram -Name handle_exec -ErrorAction SilentlyContinue | Where-Object { $_.Pids.Pid -contains $run.Process.Id } |
                ForEach-Object { Get-BpfLink -ProgramId $_.Id }
        } -Seconds 20 | Should -BeTrue
        $child = Start-Process -FilePath /bin/sleep -ArgumentList 0.3 -PassThru
        $child.WaitForExit()
        $run.Process.WaitForExit(30000) | Should -BeTrue
        $run.Process.ExitCode | Should -Be 0 -Because $run.Errors.Result
        $rows = $run.Output.Result -split "`n"
        $rows[0] | Should -Match '^TIME\s+EVENT\s+COMM\s+PID\s+PPID\s+FILENAME/EXIT CODE'
        $rows | Where-Object { $_ -match "\sEXEC\s+sleep\s+$($child.Id)\s+$PID\s+/bin/sleep" } | Should -Not -BeNullOrEmpty -Because ($rows -join "`n")
        $rows | Where-Object { $_ -match "\sEXIT\s+sleep\s+$($child.Id)\s+$PID\s+\[0\]" } | Should -Not -BeNullOrEmpty -Because ($rows -join "`n")
    }
}
