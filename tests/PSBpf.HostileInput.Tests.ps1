#Requires -Version 7.6
#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0.0' }
<#
    Hostile input through PowerShell: Set-BpfMapEntry and the globals of tests/fixtures/shapes.bpf.c given values of
    the wrong shape (extra fields, strings for numbers, overflow, negative for unsigned, NaN, too-long char arrays,
    deep and self-referencing nesting, per-CPU arrays of the wrong length, keys of the wrong type or size). Each is
    refused with a stable ErrorId and a message that names the field path, and nothing is written: the entry's bytes
    (Get-BpfMapEntry -Raw) and the global's value are the same afterwards. The property test of the encoder behind
    them is tests/PSBpf.Module.Tests/ValueEncoderPropertyTests.cs (FsCheck).
#>

BeforeDiscovery {
    # Value cases for struct shape (key 1 of map 'shapes'): label, value, and the start of the message (its field path).
    $script:valueCases = @(
        @{ Label = 'an extra field'; Value = @{ nope = 1 }; Message = "value.nope: struct shape has no member 'nope'" }
        @{ Label = 'an extra field of a nested struct'; Value = @{ inner = @{ bogus = 1 } }; Message = "value.inner.bogus: struct shape_inner has no member 'bogus'" }
        @{ Label = 'a string for a number'; Value = @{ count = 'ten' }; Message = "value.count: 'ten' is not a unsigned 32-bit integer" }
        @{ Label = 'a u8 overflow'; Value = @{ small = 256 }; Message = 'value.small: 256 is out of range' }
        @{ Label = 'an s16 overflow'; Value = @{ signed16 = 40000 }; Message = 'value.signed16: 40000 is out of range' }
        @{ Label = 'a negative unsigned'; Value = @{ count = -1 }; Message = 'value.count: -1 is out of range' }
        @{ Label = 'a u64 overflow'; Value = @{ big = [bigint]::Pow(2, 64) }; Message = 'value.big: 18446744073709551616 is out of range' }
        @{ Label = 'a fraction'; Value = @{ count = 1.5 }; Message = 'value.count: 1.5 is not a whole number' }
        @{ Label = 'NaN'; Value = @{ count = [double]::NaN }; Message = 'value.count: NaN is not a number' }
        @{ Label = 'infinity'; Value = @{ signed64 = [double]::NegativeInfinity }; Message = 'value.signed64: -' }
        @{ Label = 'a double too big for any integer'; Value = @{ big = 1e30 }; Message = 'value.big: 1000000000000000019884624838656 is out of range' }
        @{ Label = 'a too-long char array'; Value = @{ name = 'abcdefghi' }; Message = 'value.name: string of 9 bytes does not fit in char[8]' }
        @{ Label = 'a multi-byte string too long in UTF-8'; Value = @{ name = 'ééééé' }; Message = 'value.name: string of 10 bytes does not fit in char[8]' }
        @{ Label = 'an unknown enum name'; Value = @{ color = 'PURPLE' }; Message = "value.color: 'PURPLE' is not a member of enum shape_color" }
        @{ Label = 'a string for a bool'; Value = @{ flag = 'yes' }; Message = "value.flag: 'yes' is not a bool" }
        @{ Label = 'an array too long'; Value = @{ ports = 1, 2, 3, 4, 5 }; Message = 'value.ports: more than 4 elements' }
        @{ Label = 'a bad array element'; Value = @{ ports = 1, 'x' }; Message = "value.ports[1]: 'x' is not a unsigned 32-bit integer" }
        @{ Label = 'a bad field of an array of structs'; Value = @{ pair = @(@{ port = 1 }, @{ port = 70000 }) }; Message = 'value.pair[1].port: 70000 is out of range' }
        @{ Label = 'an array for a scalar'; Value = @{ count = 1, 2 }; Message = 'value.count: cannot convert Object[]' }
        @{ Label = 'a scalar for a struct'; Value = @{ inner = 5 }; Message = 'value.inner: a dictionary of member values is required for struct shape_inner' }
        @{ Label = 'a scalar for an array'; Value = @{ ports = 5 }; Message = 'value.ports: an array of 4 elements is required' }
        @{ Label = 'a bitfield overflow'; Value = @{ low = 8 }; Message = 'value.low: 8 does not fit in a 3-bit bitfield' }
        @{ Label = 'a bad union member'; Value = @{ u = @{ word = -1 } }; Message = 'value.u.word: -1 is out of range' }
        @{ Label = 'a bad last field after good ones'; Value = @{ small = 9; count = 9; ports = 9, 9; name = 'zz'; high = 99 }; Message = 'value.high: 99 does not fit in a 5-bit bitfield' }
        @{ Label = 'null'; Value = $null; Message = 'value: a dictionary of member values is required for struct shape, got null' }
        @{ Label = 'a script block'; Value = { 1 }; Message = 'value: a dictionary of member values is required for struct shape, got ScriptBlock' }
        @{ Label = 'a file system object'; Value = [IO.DirectoryInfo]'/tmp'; Message = 'value: a dictionary of member values is required for struct shape, got DirectoryInfo' }
        @{ Label = 'raw bytes of the wrong size'; Value = [byte[]](1, 2, 3); Message = 'value: 3 bytes given for a 80-byte struct' }
        @{ Label = 'a hashtable keyed by numbers'; Value = @{ 1 = 2 }; Message = "value.1: struct shape has no member '1'" }
    )
    $script:keyCases = @(
        @{ Map = 'shapes'; Label = 'a string'; Key = 'str'; Message = "key: 'str' is not a unsigned 32-bit integer" }
        @{ Map = 'shapes'; Label = 'a u32 overflow'; Key = 4294967296; Message = 'key: 4294967296 is out of range' }
        @{ Map = 'shapes'; Label = 'a negative number'; Key = -1; Message = 'key: -1 is out of range' }
        @{ Map = 'shapes'; Label = 'raw bytes of the wrong size'; Key = [byte[]](1, 2, 3); Message = 'key: cannot convert Byte[]' }
        @{ Map = 'by_inner'; Label = 'an extra field of a struct key'; Key = @{ port = 1; delta = 2; on = $true; x = 1 }; Message = "key.x: struct shape_inner has no member 'x'" }
        @{ Map = 'by_inner'; Label = 'a number for a struct key'; Key = 70000; Message = 'key: a dictionary of member values is required for struct shape_inner' }
        @{ Map = 'by_inner'; Label = 'an overflowing struct key field'; Key = @{ delta = 200 }; Message = 'key.delta: 200 is out of range' }
    )
    $script:globalCases = @(
        @{ Label = 'an extra field'; Global = 'current_shape'; Value = @{ bogus = 1 }; Message = "current_shape.bogus: struct shape has no member 'bogus'" }
        @{ Label = 'an overflow'; Global = 'current_shape'; Value = @{ small = 300 }; Message = 'current_shape.small: 300 is out of range' }
        @{ Label = 'a too-long string after a good field'; Global = 'current_shape'; Value = @{ small = 4; name = 'waytoolongname' }; Message = 'current_shape.name: string of 14 bytes does not fit in char[8]' }
        @{ Label = 'a string for a number'; Global = 'shape_limit'; Value = 'many'; Message = "shape_limit: 'many' is not a unsigned 32-bit integer" }
        @{ Label = 'a negative unsigned'; Global = 'shape_limit'; Value = -5; Message = 'shape_limit: -5 is out of range' }
    )
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'PSBpf.TestSetup.ps1')
    $script:good = @{
        small = 1; signed16 = -2; count = 3; signed64 = -4; big = 5; flag = $true; color = 'SHAPE_GREEN'; name = 'abc'
        ports = 1, 2, 3, 4; inner = @{ port = 80; delta = -1; on = $true }; pair = @(@{ port = 1 }, @{ port = 2 }); u = @{ word = 7 }
        low = 5; high = 17
    }
    function Get-RawEntry($Map, $Key) { [Convert]::ToHexString([byte[]](Get-BpfMapEntry $Map -Key $Key -Raw).Value) }
}

Describe 'Hostile input' -Tag Root {
    BeforeAll {
        if ($isRoot) {
            $script:o = Import-BpfObject (Join-Path $fixtures 'shapes.bpf.o') | Invoke-BpfLoad
            Set-BpfMapEntry $o.Maps.shapes -Key 1 -Value $good
            Set-BpfMapEntry $o.Maps.by_inner -Key @{ port = 9; delta = 1; on = $true } -Value 11
        }
    }
    AfterAll { if ($isRoot) { $o.Dispose() } }
    BeforeEach {
        if (-not $isRoot) { Set-ItResult -Skipped -Because 'the maps are created in the kernel (root)' }
    }

    It 'stores the well-formed value the cases start from, bitfields as numbers' {
        $v = (Get-BpfMapEntry $o.Maps.shapes -Key 1).Value
        $v.low | Should -BeOfType ([uint64])
        ($v | Select-Object small, name, low, high | ConvertTo-Json -Compress) | Should -Be '{"small":1,"name":"abc","low":5,"high":17}'
        $v.pair[1].port | Should -Be 2
        $v.u.bytes | Should -Be @(7, 0, 0, 0)
    }

    Context 'Set-BpfMapEntry values' {
        It 'refuses <Label> naming the field, and writes nothing' -ForEach $valueCases {
            $before = Get-RawEntry $o.Maps.shapes 1
            $err = { Set-BpfMapEntry $o.Maps.shapes -Key 1 -Value $Value -ErrorAction Stop } | Should -Throw -ErrorId 'BpfValueInvalid,PSBpf.Commands.SetBpfMapEntryCommand' -PassThru
            $err.Exception.Message | Should -BeLike "$([WildcardPattern]::Escape($Message))*"
            $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
            Get-RawEntry $o.Maps.shapes 1 | Should -Be $before
        }

        It 'refuses values nested past 64 levels, and one that contains itself' {
            $before = Get-RawEntry $o.Maps.shapes 1
            $deep = @{ port = 1 }
            foreach ($i in 1..200) { $deep = @{ inner = $deep } }
            $self = @{}; $self.inner = $self
            foreach ($v in $deep, $self) {
                $err = { Set-BpfMapEntry $o.Maps.shapes -Key 1 -Value $v -ErrorAction Stop } | Should -Throw -ErrorId 'BpfValueInvalid,PSBpf.Commands.SetBpfMapEntryCommand' -PassThru
                $err.Exception.Message | Should -Match 'deeper than 64 levels|refers to itself'
            }
            Get-RawEntry $o.Maps.shapes 1 | Should -Be $before
        }

        It 'refuses a key of <Label> in map <Map> and adds no entry' -ForEach $keyCases {
            $count = @(Get-BpfMapEntry $o.Maps[$Map]).Count
            $value = if ($Map -eq 'shapes') { @{} } else { 1 }
            $err = { Set-BpfMapEntry $o.Maps[$Map] -Key $Key -Value $value -ErrorAction Stop } | Should -Throw -ErrorId 'BpfValueInvalid,PSBpf.Commands.SetBpfMapEntryCommand' -PassThru
            $err.Exception.Message | Should -BeLike "$([WildcardPattern]::Escape($Message))*"
            @(Get-BpfMapEntry $o.Maps[$Map]).Count | Should -Be $count
        }

        It 'refuses per-CPU values of the wrong count, naming the count, and a bad field by its CPU' {
            $cpus = @((Get-BpfMapEntry $o.Maps.per_cpu -Key 0).Value).Count
            Set-BpfMapEntry $o.Maps.per_cpu -Key 0 -Value (1..$cpus | ForEach-Object { @{ port = $_ } })
            $before = Get-RawEntry $o.Maps.per_cpu 0
            foreach ($n in 1, ($cpus + 1)) {
                $values = @(1..$n | ForEach-Object { @{ port = 1 } })
                $err = { Set-BpfMapEntry $o.Maps.per_cpu -Key 0 -Value $values -ErrorAction Stop } | Should -Throw -ErrorId 'BpfValueInvalid,PSBpf.Commands.SetBpfMapEntryCommand' -PassThru
                $err.Exception.Message | Should -Be "value: map 'per_cpu' is per-CPU: give one value for each of its $cpus possible CPUs, or a single value for all of them; got $n"
            }
            $bad = @(1..$cpus | ForEach-Object { @{ port = 1 } }); $bad[-1] = @{ port = 70000 }
            $err = { Set-BpfMapEntry $o.Maps.per_cpu -Key 0 -Value $bad -ErrorAction Stop } | Should -Throw -ErrorId 'BpfValueInvalid,PSBpf.Commands.SetBpfMapEntryCommand' -PassThru
            $err.Exception.Message | Should -BeLike "value``[cpu $($cpus - 1)``].port: 70000 is out of range*"
            Get-RawEntry $o.Maps.per_cpu 0 | Should -Be $before
            # One value for all CPUs is still taken.
            Set-BpfMapEntry $o.Maps.per_cpu -Key 0 -Value @{ port = 3 }
            @((Get-BpfMapEntry $o.Maps.per_cpu -Key 0).Value.port | Select-Object -Unique) | Should -Be 3
        }

        It 'refuses an edited entry piped back with a bad value' {
            $e = Get-BpfMapEntry $o.Maps.shapes -Key 1
            $before = Get-RawEntry $o.Maps.shapes 1
            $e.Value.count = -7
            $err = { $e | Set-BpfMapEntry -ErrorAction Stop } | Should -Throw -ErrorId 'BpfValueInvalid,PSBpf.Commands.SetBpfMapEntryCommand' -PassThru
            $err.Exception.Message | Should -BeLike 'value.count: -7 is out of range*'
            Get-RawEntry $o.Maps.shapes 1 | Should -Be $before
        }

        It 'goes on past a refused entry in a pipeline, writing the good ones' {
            $entries = @(
                [pscustomobject]@{ Key = 2; Value = @{ count = 20 } }
                [pscustomobject]@{ Key = 3; Value = @{ count = 'x' } }
                [pscustomobject]@{ Key = 4; Value = @{ count = 40 } }
            )
            $err = $null
            $entries | Set-BpfMapEntry $o.Maps.shapes -ErrorVariable err -ErrorAction SilentlyContinue
            $err.Count | Should -Be 1
            $err[0].FullyQualifiedErrorId | Should -Be 'BpfValueInvalid,PSBpf.Commands.SetBpfMapEntryCommand'
            $err[0].TargetObject | Should -Be 3
            (Get-BpfMapEntry $o.Maps.shapes -Key 2).Value.count | Should -Be 20
            Get-BpfMapEntry $o.Maps.shapes -Key 3 -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
            (Get-BpfMapEntry $o.Maps.shapes -Key 4).Value.count | Should -Be 40
        }
    }
}

Describe 'Hostile input to globals' {
    It 'refuses <Label> for <Global> naming the field, and keeps the value' -ForEach $globalCases {
        $g = Import-BpfObject (Join-Path $fixtures 'shapes.bpf.o')
        try {
            $g.Globals.current_shape = @{ small = 3; name = 'hi' }
            $before = $g.Globals[$Global].Value | ConvertTo-Json -Depth 5 -Compress
            $err = $null
            try { $g.Globals.$Global = $Value } catch { $err = $_ }
            $err | Should -Not -BeNullOrEmpty
            $err.FullyQualifiedErrorId | Should -Be 'BpfValueInvalid'
            $err.Exception.Message | Should -BeLike "$([WildcardPattern]::Escape($Message))*"
            $g.Globals[$Global].Value | ConvertTo-Json -Depth 5 -Compress | Should -Be $before
        }
        finally { $g.Dispose() }
    }
}
