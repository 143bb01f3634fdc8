<#
    docs/json-examples.md is written by real pwsh: each block is what the command above it gives, piped to the real
    ConvertTo-Json, on fixtures this test loads into the kernel. Values that change from run to run (ids, tags,
    times, pids, kernel-decided sizes and counts) are replaced by "<name>" placeholders after serialising (the JSON
    is read back with ConvertFrom-Json, so the replacement never changes names or nesting). The test fails when the
    page differs; with $env:PSBPF_UPDATE_DOCS = '1' it rewrites the blocks instead:
        PSBPF_UPDATE_DOCS=1 pwsh -NoProfile -File tests/Invoke-PesterSuite.ps1 ... -TestsPath tests/PSBpf.JsonExamples.Tests.ps1
#>
BeforeAll {
    . (Join-Path $PSScriptRoot 'PSBpf.TestSetup.ps1')
    $page = Join-Path $repoRoot 'docs/json-examples.md'

    # The JSON with the leaves at these paths (a.b, a[].b; a trailing '.' covers all below) shown as "<leaf name>".
    function ConvertTo-MaskedJson([string] $Json, [string[]] $Mask) {
        function Walk($node, [string] $path) {
            foreach ($m in $Mask) {
                if ($path -eq $m -or ($m.EndsWith('.') -and $path.StartsWith($m))) {
                    if ($null -eq $node) { return $null }
                    return '<' + ($m.Trim('.', '[', ']') -split '[.\[\]]+')[-1].ToLowerInvariant() + '>'
                }
            }
            if ($node -is [System.Collections.IDictionary]) {
                $copy = [ordered]@{}
                foreach ($k in $node.Keys) { $copy[$k] = Walk $node[$k] $(if ($path) { "$path.$k" } else { $k }) }
                return $copy
            }
            if ($node -is [System.Collections.IList]) {
                return , @($node | ForEach-Object { Walk $_ "$path[]" })
            }
            $node
        }
        $tree = $Json | ConvertFrom-Json -AsHashtable -NoEnumerate
        Walk $tree '' | ConvertTo-Json -Depth 20
    }

    function Wait-Record([scriptblock] $Read, [int] $Seconds = 10) {
        $deadline = (Get-Date).AddSeconds($Seconds)
        while ((Get-Date) -lt $deadline) {
            $r = & $Read
            if ($r) { return $r }
        }
    }
}

Describe 'docs/json-examples.md' -Tag Root {
    BeforeAll {
        if (-not $isRoot) { throw 'the JSON examples load BPF objects: run as root' }
        $blocks = [ordered]@{}

        $o = Import-BpfObject (Join-Path $fixtures 'bootstrap.bpf.o') | Invoke-BpfLoad
        try {
            Set-BpfMapEntry -Map $o.Maps.exec_start -Key 4242 -Value 1234567890
            $blocks['map-entry'] = Get-BpfMapEntry -Map $o.Maps.exec_start | ConvertTo-Json

            $blocks['program-info'] = ConvertTo-MaskedJson (Get-BpfProgram -Id $o.Programs.handle_exec.Id | ConvertTo-Json) @(
                'Id', 'Tag', 'LoadedAt', 'XlatedSize', 'JitedSize', 'MemLock', 'MapIds[]', 'BtfId', 'RunTimeNs', 'RunCount',
                'VerifiedInstructions', 'Pids[].Pid', 'Pids[].Command', 'Pids[].Fd', 'Pids[].Fds[]', 'Uid')

            $link = $o.Programs.handle_exec | Add-BpfAttachment
            $child = Start-Process -FilePath /bin/true -PassThru -Wait
            $record = Wait-Record { Receive-BpfRingBuffer -Map $o.Maps.rb -Header $bootstrapHeader -Type event -Timeout 0.2 | Where-Object pid -eq $child.Id | Select-Object -First 1 }
            $record | Should -Not -BeNullOrEmpty
            $blocks['ring-buffer-record'] = ConvertTo-MaskedJson ($record | ConvertTo-Json) 'pid', 'ppid', 'duration_ns'
            $link | Remove-BpfAttachment
        }
        finally { $o | Remove-BpfObject }

        $rows = Test-BpfObject (Join-Path $fixtures 'bootstrap.bpf.o')
        $rows | ForEach-Object { $_.Accepted | Should -BeTrue }
        $blocks['verification'] = ConvertTo-MaskedJson ($rows | ConvertTo-Json) @('[].Path', '[].InstructionsProcessed', '[].TotalStates',
            '[].PeakStates', '[].StackDepth', '[].StackDepths[]', '[].VerifierLog', '[].VerificationTime.')

    }

    It 'shows, for each command, the JSON the real ConvertTo-Json writes' {
        $text = Get-Content -Raw -LiteralPath $page
        $updated = $text
        foreach ($name in $blocks.Keys) {
            $pattern = "(?s)<!-- json:$([regex]::Escape($name)) -->.*?<!-- /json:$([regex]::Escape($name)) -->"
            $updated | Should -Match $pattern -Because "the page needs a <!-- json:$name --> block"
            $block = "<!-- json:$name -->`n``````json`n$($blocks[$name] -replace "`r`n", "`n")`n```````n<!-- /json:$name -->"
            $updated = [regex]::Replace($updated, $pattern, { param($x) $block })
        }
        if ($updated -ne $text -and $env:PSBPF_UPDATE_DOCS -eq '1') {
            [IO.File]::WriteAllText($page, $updated)
            return
        }
        $updated | Should -BeExactly $text -Because 'docs/json-examples.md must show what the objects produce (PSBPF_UPDATE_DOCS=1 rewrites it)'
    }

    It 'writes no .NET internals into the JSON' {
        foreach ($name in $blocks.Keys) {
            $blocks[$name] | Should -Not -Match 'BtfMember|PSBpf\.Engine|System\.' -Because "block $name is plain data"
        }
    }
}
