<#
    Get-DocExample: the ```powershell blocks of a Markdown page, in order, with the heading they stand under.
    Dot-sourced by tests/PSBpf.DocExamples.Tests.ps1 (one test per block) and tests/DocExamples/Invoke-DocExamples.ps1
    (which runs them), so both see the same blocks.
#>
function Get-DocExample([string] $Path) {
    $heading = ''
    $code = $null
    $index = 0
    $lineNumber = 0
    $start = 0
    foreach ($line in [IO.File]::ReadAllLines($Path)) {
        $lineNumber++
        if ($null -ne $code) {
            if ($line -match '^```\s*$') {
                @{ Page = [IO.Path]::GetFileName($Path); Index = $index; Line = $start; Heading = $heading; Code = $code.ToString() }
                $index++
                $code = $null
            }
            else { $null = $code.AppendLine($line) }
        }
        elseif ($line -match '^```powershell\s*$') { $code = [Text.StringBuilder]::new(); $start = $lineNumber }
        elseif ($line -match '^#+\s+(.*)$') { $heading = $Matches[1] }
    }
}
