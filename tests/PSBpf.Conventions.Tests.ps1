#Requires -Version 7.6
#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0.0' }
<#
    The module as pwsh sees it: approved verbs (Get-Verb), a Pester suite and a docs page per cmdlet, and
    -WhatIf/-Confirm on every cmdlet that changes the kernel's or an object's state.
#>

BeforeAll {
    . (Join-Path $PSScriptRoot 'PSBpf.TestSetup.ps1')
    . (Join-Path $repoRoot 'scripts/PwshCommand.ps1')
    $script:commands = @(Get-Command -Module PSBpf)
}

Describe 'PSBpf''s commands' {
    It 'are all cmdlets with approved verbs (Get-Verb), so Import-Module warns of nothing' {
        $commands.Count | Should -BeGreaterThan 10
        $commands | Where-Object CommandType -ne 'Cmdlet' | Should -BeNullOrEmpty
        $approved = (Get-Verb).Verb
        $commands | Where-Object Verb -notin $approved | ForEach-Object Name | Should -BeNullOrEmpty
        $pwsh = @(Get-PwshCommand)
        $warnings = & $pwsh[0] @($pwsh | Select-Object -Skip 1) -NoProfile -Command "Import-Module '$((Get-Module PSBpf).Path)' -WarningVariable w 3>`$null; `$w.Count"
        $warnings | Should -Be '0'
    }

    It 'each have a Pester suite and a docs page' {
        foreach ($c in $commands) {
            Join-Path $PSScriptRoot "$($c.Name).Tests.ps1" | Should -Exist
            Join-Path $repoRoot "docs/$($c.Name).md" | Should -Exist
        }
    }

    It 'support -WhatIf and -Confirm where they change state' {
        $changing = $commands | Where-Object Verb -in 'Add', 'Remove', 'Set', 'Invoke'
        $changing.Count | Should -BeGreaterThan 5
        foreach ($c in $changing) {
            $c.Parameters.Keys | Should -Contain 'WhatIf' -Because "$($c.Name) changes state"
            $c.Parameters.Keys | Should -Contain 'Confirm' -Because "$($c.Name) changes state"
        }
        # Get-BpfMapEntry -Pop drains a queue
        (Get-Command Get-BpfMapEntry).Parameters.Keys | Should -Contain 'WhatIf'
    }
}
