#Requires -Version 7.6
#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0.0' }
<#
    Pester 5 suite for Import-BpfObject. build.ps1 runs it after assembling out/PSBpf/<version>/;
    set $env:PSBPF_MODULE to a PSBpf.psd1 to test another copy. Needs the BPF fixtures
    (tests/fixtures/build, made by `dotnet build tests/PSBpf.Engine.Tests` or `make -C tests/fixtures`).
#>

BeforeAll {
    . (Join-Path $PSScriptRoot 'PSBpf.TestSetup.ps1')
    $minimal = Join-Path $fixtures 'minimal.bpf.o'
    $bootstrap = Join-Path $fixtures 'bootstrap.bpf.o'
    foreach ($f in $minimal, $bootstrap) {
        if (-not (Test-Path -LiteralPath $f)) {
            throw "Fixture $f is missing: run 'make -C tests/fixtures' or 'dotnet build tests/PSBpf.Engine.Tests'."
        }
    }

    $corpusDir = Join-Path $PSScriptRoot '../../shared/corpus/cilium-ebpf'
    if (-not (Test-Path -LiteralPath $corpusDir)) { $corpusDir = Join-Path $PSScriptRoot 'corpus/cilium-ebpf' }
    $bigEndianObject = Join-Path $corpusDir 'loader-clang-14-eb.elf'
}

Describe 'Import-BpfObject' {
    Context 'The module' {
        It 'exports Import-BpfObject' {
            @(Get-Command -Module PSBpf | Select-Object -ExpandProperty Name) | Should -Contain 'Import-BpfObject'
        }

        It 'has help with a synopsis and examples' {
            $help = Get-Help -Name Import-BpfObject -Full
            $help.Synopsis | Should -Match 'BPF object'
            @($help.Examples.Example).Count | Should -BeGreaterThan 1
            $help.Parameters.Parameter.Name | Should -Contain 'LiteralPath'
        }
    }

    Context 'Opening an object' {
        BeforeAll {
            $o = Import-BpfObject -Path $minimal
        }

        It 'returns a BpfObject named after the file' {
            $o | Should -BeOfType ([PSBpf.Engine.BpfObject])
            $o.Name | Should -Be 'minimal'
            $o.Path | Should -Be $minimal
            $o.License | Should -Be 'Dual BSD/GPL'
        }

        It 'reaches programs by name, with bpftool type names' {
            $o.Programs.handle_tp | Should -BeOfType ([PSBpf.Engine.BpfProgram])
            $o.Programs.handle_tp.Type -eq 'tracepoint' | Should -BeTrue
            $o.Programs.handle_tp.Type | Should -Be 'tracepoint'
            $o.Programs.handle_tp.SectionName | Should -Be 'tp/syscalls/sys_enter_write'
            $o.Programs.handle_tp.Id | Should -BeNullOrEmpty
        }

        It 'still enumerates the programs in the pipeline' {
            @($o.Programs).Count | Should -Be 1
            @($o.Programs | Where-Object Type -EQ 'tracepoint').Name | Should -Be @('handle_tp')
            $table = $o.Programs | Format-Table | Out-String
            $table | Should -Match 'Insns'
            $table | Should -Match 'handle_tp'
        }

        It 'keeps the collection members and indexer usable' {
            $o.Programs.Count | Should -Be 1
            $o.Programs['handle_tp'].Name | Should -Be 'handle_tp'
            $o.Programs.Contains('handle_tp') | Should -BeTrue
            @($o.Maps.Names) | Should -Contain 'minimal.bss'
        }

        It 'reaches maps by name' {
            $b = Import-BpfObject -Path $bootstrap
            $b.Maps.rb.Type | Should -Be 'ringbuf'
            $b.Maps.rb.Type -eq 'ringbuf' | Should -BeTrue
            $b.Maps.exec_start.Type | Should -Be 'hash'
            $b.Maps.'bootstra.rodata'.Type | Should -Be 'array'
        }

        It 'formats objects, programs, maps and globals with the module views' {
            ($o | Format-Table | Out-String) | Should -Match 'minimal'
            ($o.Maps | Format-Table | Out-String) | Should -Match 'MaxEntries'
            ($o.Globals | Format-Table | Out-String) | Should -Match 'my_pid'
            ($o | Format-List | Out-String) | Should -Match 'handle_tp'
        }

        It 'converts to JSON as plain data' {
            $json = $o | ConvertTo-Json -Depth 3 -WarningAction SilentlyContinue
            $back = $json | ConvertFrom-Json
            $back.Name | Should -Be 'minimal'
            @($back.Programs)[0].Name | Should -Be 'handle_tp'
            @($back.Programs)[0].PSObject.Properties.Name | Should -Not -Contain 'value'
            ($o.Programs | Select-Object Name, Type | ConvertTo-Json | ConvertFrom-Json).Name | Should -Be 'handle_tp'
        }
    }

    Context 'Global variables' {
        BeforeEach {
            $o = Import-BpfObject -LiteralPath $minimal
        }

        It 'reads the decoded value' {
            $o.Globals.my_pid | Should -Be 0
            $o.Globals.my_pid | Should -BeOfType ([int])
        }

        It 'sets the value through BTF' {
            $o.Globals.my_pid = $PID
            $o.Globals.my_pid | Should -Be $PID
            $o.Globals['my_pid'].Value | Should -Be $PID
            $o.Globals['my_pid'].GetBytes() | Should -Be ([BitConverter]::GetBytes([int]$PID))
        }

        It 'converts PowerShell values before encoding' {
            $o.Globals.my_pid = [pscustomobject]@{ n = 7 }.n
            $o.Globals.my_pid | Should -Be 7
            $o.Globals.my_pid = '12'
            $o.Globals.my_pid | Should -Be 12
        }

        It 'rejects values that do not fit and keeps the old value' {
            $o.Globals.my_pid = 5
            { $o.Globals.my_pid = 'not a number' } | Should -Throw -ErrorId 'BpfValueInvalid'
            { $o.Globals.my_pid = [long]::MaxValue } | Should -Throw -ErrorId 'BpfValueInvalid'
            $o.Globals.my_pid | Should -Be 5
        }

        It 'sets .rodata globals before load' {
            $b = Import-BpfObject -Path $bootstrap
            $b.Globals.min_duration_ns = 50000000
            $b.Globals.min_duration_ns | Should -Be 50000000
            $b.Globals['min_duration_ns'].IsReadOnly | Should -BeTrue
        }

        It 'lists globals with their values' {
            $o.Globals.my_pid = 99
            $row = $o.Globals | Where-Object Name -EQ 'my_pid'
            $row.Value | Should -Be 99
            $row.Section | Should -Be '.bss'
        }
    }

    Context 'Paths' {
        It 'expands wildcards' {
            $expected = @(Get-ChildItem -Path (Join-Path $fixtures 'm*.bpf.o')).Count
            $objects = @(Import-BpfObject -Path (Join-Path $fixtures 'm*.bpf.o'))
            $objects.Count | Should -Be $expected
            $objects.Name | Should -Contain 'minimal'
            $objects.Name | Should -Contain 'maps'
        }

        It 'writes no error when a wildcard matches nothing' {
            Import-BpfObject -Path (Join-Path $fixtures 'no-such-*.bpf.o') -ErrorAction Stop | Should -BeNullOrEmpty
        }

        It 'binds Get-ChildItem output through PSPath' {
            $objects = @(Get-ChildItem -LiteralPath $fixtures -Filter 'minimal.bpf.o' | Import-BpfObject)
            $objects.Count | Should -Be 1
            $objects[0].Name | Should -Be 'minimal'
        }

        It 'accepts paths from the pipeline' {
            (@($minimal, $bootstrap) | Import-BpfObject).Name | Should -Be @('minimal', 'bootstrap')
        }

        It 'resolves relative paths against the current location' {
            Push-Location -LiteralPath $fixtures
            try {
                (Import-BpfObject -Path ./minimal.bpf.o).Path | Should -Be $minimal
            }
            finally {
                Pop-Location
            }
        }

        It 'opens names with wildcard characters through -LiteralPath' {
            $odd = Join-Path $TestDrive 'odd[1].bpf.o'
            Copy-Item -LiteralPath $minimal -Destination $odd
            (Import-BpfObject -LiteralPath $odd).Name | Should -Be 'odd[1]'
            Import-BpfObject -Path $odd -ErrorAction Stop | Should -BeNullOrEmpty
        }

        It 'uses -Name as the object name' {
            $o = Import-BpfObject -LiteralPath $minimal -Name tracer
            $o.Name | Should -Be 'tracer'
            $o.Maps.Names | Should -Contain 'tracer.bss'
        }

        It 'refuses other providers' {
            { Import-BpfObject -Path 'Env:PATH' -ErrorAction Stop } |
                Should -Throw -ErrorId 'BpfPathNotFileSystem,PSBpf.Commands.ImportBpfObjectCommand'
        }

        It 'refuses directories' {
            { Import-BpfObject -LiteralPath $fixtures -ErrorAction Stop } |
                Should -Throw -ErrorId 'BpfPathIsDirectory,PSBpf.Commands.ImportBpfObjectCommand'
        }
    }

    Context 'Errors' {
        It 'reports a missing file as BpfObjectNotFound' {
            { Import-BpfObject -Path (Join-Path $TestDrive 'missing.bpf.o') -ErrorAction Stop } |
                Should -Throw -ErrorId 'BpfObjectNotFound,PSBpf.Commands.ImportBpfObjectCommand'
            { Import-BpfObject -LiteralPath (Join-Path $TestDrive 'missing.bpf.o') -ErrorAction Stop } |
                Should -Throw -ErrorId 'BpfObjectNotFound,PSBpf.Commands.ImportBpfObjectCommand'
        }

        It 'writes a non-terminating ObjectNotFound error and goes on' {
            $missing = Join-Path $TestDrive 'missing.bpf.o'
            $objects = @(Import-BpfObject -Path $missing, $minimal -ErrorAction SilentlyContinue -ErrorVariable failures)
            $objects.Name | Should -Be @('minimal')
            $failures.Count | Should -Be 1
            $failures[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
            $failures[0].TargetObject | Should -Be $missing
        }

        It 'reports a corrupted file as BpfObjectInvalid naming the file' {
            $corrupt = Join-Path $TestDrive 'corrupt.bpf.o'
            [IO.File]::WriteAllBytes($corrupt, [IO.File]::ReadAllBytes($minimal)[0..99])
            { Import-BpfObject -LiteralPath $corrupt -ErrorAction Stop } |
                Should -Throw -ErrorId 'BpfObjectInvalid,PSBpf.Commands.ImportBpfObjectCommand'
            Import-BpfObject -LiteralPath $corrupt -ErrorAction SilentlyContinue -ErrorVariable failures
            $failures[0].CategoryInfo.Category | Should -Be 'InvalidData'
            $failures[0].ErrorDetails.Message | Should -Match ([regex]::Escape($corrupt))
        }

        It 'reports a file that is not ELF as BpfObjectInvalid' {
            $text = Join-Path $TestDrive 'text.bpf.o'
            Set-Content -LiteralPath $text -Value 'not an ELF file'
            { Import-BpfObject -LiteralPath $text -ErrorAction Stop } |
                Should -Throw -ErrorId 'BpfObjectInvalid,PSBpf.Commands.ImportBpfObjectCommand'
        }

        It 'reports a big-endian object as BpfObjectWrongByteOrder' {
            if (-not (Test-Path -LiteralPath $bigEndianObject)) {
                Set-ItResult -Skipped -Because "the cilium/ebpf corpus object $bigEndianObject is not present (it lives outside the repository, in ../shared/corpus)"
                return
            }
            { Import-BpfObject -LiteralPath $bigEndianObject -ErrorAction Stop } |
                Should -Throw -ErrorId 'BpfObjectWrongByteOrder,PSBpf.Commands.ImportBpfObjectCommand'
            Import-BpfObject -LiteralPath $bigEndianObject -ErrorAction SilentlyContinue -ErrorVariable failures
            $failures[0].CategoryInfo.Category | Should -Be 'InvalidData'
            $failures[0].ErrorDetails.RecommendedAction | Should -Match 'bpfel'
        }
    }
}
