<#
    The help that ships (en-US/PSBpf.dll-Help.xml, written by tools/HelpGen from docs/*.md) as real pwsh shows it:
    Get-Help <cmdlet> -Full has, for every cmdlet, every parameter with its description, type and pipeline input as the
    cmdlet declares them, and every example of the docs page with its code.
#>
BeforeDiscovery {
    . (Join-Path $PSScriptRoot 'PSBpf.TestSetup.ps1')
    $cmdlets = @(Get-Command -Module PSBpf -CommandType Cmdlet | ForEach-Object { @{ Name = $_.Name } })
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'PSBpf.TestSetup.ps1')
    $common = [System.Management.Automation.PSCmdlet]::CommonParameters + [System.Management.Automation.PSCmdlet]::OptionalCommonParameters

    # What the declared parameter attributes say about pipeline input, in Get-Help's words.
    function Get-PipelineInput([System.Management.Automation.ParameterMetadata] $Parameter) {
        $attributes = @($Parameter.Attributes | Where-Object { $_ -is [System.Management.Automation.ParameterAttribute] })
        $kinds = @(
            if ($attributes.ValueFromPipelineByPropertyName -contains $true) { 'ByPropertyName' }
            if ($attributes.ValueFromPipeline -contains $true) { 'ByValue' }
        )
        if ($kinds) { "True ($($kinds -join ', '))" } else { 'False' }
    }
}

Describe 'Get-Help -Full for <Name>' -ForEach $cmdlets {
    BeforeAll {
        $command = Get-Command $Name
        $help = Get-Help $Name -Full
        $page = Get-Content -Raw -LiteralPath (Join-Path $repoRoot "docs/$Name.md")
    }

    It 'is the module''s help, not PowerShell''s generated stub' {
        $help.Synopsis | Should -Not -BeNullOrEmpty
        $help.Synopsis | Should -Not -Match "^\s*$([regex]::Escape($Name)) "   # a stub's synopsis is the syntax
        ($help.description | Out-String).Trim() | Should -Not -BeNullOrEmpty
    }

    It 'describes every parameter with its type and pipeline input' {
        $declared = @($command.Parameters.Values | Where-Object { $_.Name -notin $common })
        $declared | Should -Not -BeNullOrEmpty
        $shown = @($help.parameters.parameter)
        foreach ($p in $declared) {
            $h = $shown | Where-Object name -eq $p.Name
            $h | Should -Not -BeNullOrEmpty -Because "-$($p.Name) of $Name must be in its help"
            ($h.description | Out-String).Trim() | Should -Not -BeNullOrEmpty -Because "-$($p.Name) needs a description"
            $type = [Nullable]::GetUnderlyingType($p.ParameterType) ?? $p.ParameterType   # help names T, not Nullable`1
            $h.type.name | Should -Be $type.Name -Because "the type of -$($p.Name)"
            $h.pipelineInput | Should -Be (Get-PipelineInput $p) -Because "the pipeline input of -$($p.Name)"
        }
        @($shown.name | Where-Object { $_ -notin $command.Parameters.Keys }) | Should -BeNullOrEmpty -Because 'help documents no parameter the cmdlet lacks'
        $full = $help | Out-String -Width 200
        foreach ($p in $declared) { $full | Should -Match "-$($p.Name) \[?<" }   # switches show as -Name [<SwitchParameter>]
    }

    It 'shows every example of the docs page, with its code' {
        $expected = [regex]::Matches($page, '(?m)^### (Example .*)$') | ForEach-Object { $_.Groups[1].Value.Trim() }
        $examples = @($help.examples.example)
        $examples.Count | Should -Be @($expected).Count
        $examples.Count | Should -BeGreaterThan 0
        for ($i = 0; $i -lt $examples.Count; $i++) {
            $examples[$i].title | Should -Match ([regex]::Escape($expected[$i]))
            $examples[$i].code | Should -Not -BeNullOrEmpty
            $page | Should -Match ([regex]::Escape(($examples[$i].code -split "`n")[0].Trim()))
        }
    }
}
