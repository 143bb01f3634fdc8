using System.Text.RegularExpressions;
using PSBpf.Engine;

namespace PSBpf.Module.Tests;

/// <summary>
/// The example scripts cannot run here (no pwsh): check statically that every PSBpf command they call exists, that every
/// parameter they pass is one the cmdlet class declares (or a common parameter), that the parameters of a call fit one
/// parameter set, and that the globals, maps and record types they name exist in the fixture objects they default to.
/// </summary>
public sealed class ExampleScriptTests
{
    private static readonly string[] CommonParameters =
    [
        "Verbose", "Debug", "ErrorAction", "WarningAction", "InformationAction", "ProgressAction", "ErrorVariable",
        "WarningVariable", "InformationVariable", "OutVariable", "OutBuffer", "PipelineVariable",
    ];

    private static string Script(string name) => Path.Combine(TestPaths.RepoRoot, "examples", name);

    /// <summary>What is wrong with the PSBpf calls in <paramref name="text"/>; empty when nothing is.</summary>
    private static List<string> Problems(string text)
    {
        var problems = new List<string>();
        foreach (var call in ExampleScript.BpfCalls(text))
        {
            var cmdlet = ModuleMetadata.Instance.Cmdlets.SingleOrDefault(c => string.Equals(c.Name, call.Command, StringComparison.OrdinalIgnoreCase));
            if (cmdlet is null)
            {
                problems.Add($"{call}: PSBpf has no cmdlet {call.Command}");
                continue;
            }

            var sets = new HashSet<string>(cmdlet.ParameterSetNames, StringComparer.OrdinalIgnoreCase);
            foreach (var name in call.Parameters)
            {
                var parameter = cmdlet.Parameters.SingleOrDefault(p => p.Answers(name));
                if (parameter is null)
                {
                    bool common = CommonParameters.Contains(name, StringComparer.OrdinalIgnoreCase)
                        || (cmdlet.SupportsShouldProcess && (name.Equals("WhatIf", StringComparison.OrdinalIgnoreCase) || name.Equals("Confirm", StringComparison.OrdinalIgnoreCase)));
                    if (!common) problems.Add($"{call}: {cmdlet.Name} has no parameter -{name}");
                    continue;
                }

                if (!parameter.Sets.Any(s => s.IsAllSets)) sets.IntersectWith(parameter.Sets.Select(s => s.SetName));
            }

            if (sets.Count == 0) problems.Add($"{call}: no parameter set of {cmdlet.Name} takes all of these parameters");
        }

        return problems;
    }

    [Theory]
    [InlineData("minimal.ps1", new[] { "Import-BpfObject", "Invoke-BpfLoad", "Add-BpfAttachment", "Remove-BpfAttachment" })]
    [InlineData("bootstrap.ps1", new[] { "Import-BpfObject", "Invoke-BpfLoad", "Add-BpfAttachment", "Receive-BpfRingBuffer", "Remove-BpfAttachment" })]
    public void Example_script_calls_only_cmdlets_and_parameters_the_module_defines(string script, string[] expected)
    {
        string text = File.ReadAllText(Script(script));
        var calls = ExampleScript.BpfCalls(text);
        Assert.Equal(expected.Order(), calls.Select(c => c.Command).Distinct().Order());
        var problems = Problems(text);
        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }

    [Fact]
    public void Bootstrap_script_receives_with_and_without_a_time_limit()
    {
        var receives = ExampleScript.BpfCalls(File.ReadAllText(Script("bootstrap.ps1"))).Where(c => c.Command == "Receive-BpfRingBuffer").ToList();
        Assert.Contains(receives, c => c.Parameters.SequenceEqual(["Map", "Type", "Wait"]));
        Assert.Contains(receives, c => c.Parameters.SequenceEqual(["Map", "Type", "Timeout"]));
    }

    [Theory]
    [InlineData("minimal.ps1", "minimal.bpf.o")]
    [InlineData("bootstrap.ps1", "bootstrap.bpf.o")]
    public void Example_script_names_globals_maps_and_types_its_object_has(string script, string fixture)
    {
        string text = File.ReadAllText(Script(script));
        Assert.Contains($"'../tests/fixtures/build/{fixture}'", text); // the default -Path
        using var obj = BpfObject.Open(TestPaths.Fixture(fixture));

        var globals = ExampleScript.MemberNames(text, "Globals");
        Assert.NotEmpty(globals);
        Assert.All(globals, g => Assert.True(obj.Globals.Contains(g), $"{script}: {fixture} has no global '{g}'"));
        Assert.All(ExampleScript.MemberNames(text, "Maps"), m => Assert.True(obj.Maps.Contains(m), $"{script}: {fixture} has no map '{m}'"));

        foreach (Match m in Regex.Matches(text, @"-Map \$o\.Maps\.(?<map>\w+) -Type (?<type>\w+)"))
        {
            var decoder = BpfEventDecoder.ForMap(obj.Maps[m.Groups["map"].Value], m.Groups["type"].Value);
            Assert.True(decoder.Size > 0);
        }
    }

    [Theory]
    [InlineData("Invoke-BpfLoad -PinDir /sys/fs/bpf/x", "has no parameter -PinDir")]
    [InlineData("Receive-BpfRingBuffer -Map $m -Wait -Timeout 1 | Out-Null", "no parameter set")]
    [InlineData("$x = @(Get-BpfThing -Id 1)", "no cmdlet Get-BpfThing")]
    [InlineData("Add-BpfAttachment -Program $p `\n    -Bogus 1", "has no parameter -Bogus")]
    public void The_check_finds_unknown_cmdlets_parameters_and_set_conflicts(string text, string expected)
    {
        Assert.Contains(Problems(text), p => p.Contains(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void The_check_ignores_comments_strings_and_other_commands()
    {
        const string Text = """
            <# Invoke-BpfLoad -Nope 1 #>
            # Invoke-BpfLoad -Nope 2
            "Invoke-BpfLoad -Nope 3" -f 'Get-BpfNope'
            Get-ChildItem -Bogus | Invoke-BpfLoad -PinPath (Join-Path $a -Whatever) -Verbose -WhatIf
            """;
        Assert.Empty(Problems(Text));
        var call = Assert.Single(ExampleScript.BpfCalls(Text));
        Assert.Equal(["PinPath", "Verbose", "WhatIf"], call.Parameters);
        Assert.Equal(4, call.Line);
    }
}
