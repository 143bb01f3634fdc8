using System.Reflection;

namespace PSBpf.Module.Tests;

/// <summary>The cmdlet classes of the built PSBpf.dll, checked reflection-only against PowerShell's conventions and their docs.</summary>
public sealed class CmdletStaticTests
{
    private static ModuleMetadata M => ModuleMetadata.Instance;

    [Fact]
    public void Module_defines_the_open_phase_cmdlet()
    {
        Assert.Contains(M.Cmdlets, c => c.Name == "Import-BpfObject");
    }

    [Fact]
    public void Every_noun_is_singular_pascal_case_and_starts_with_Bpf()
    {
        foreach (var c in M.Cmdlets)
        {
            Assert.StartsWith("Bpf", c.Noun, StringComparison.Ordinal);
            Assert.Matches("^Bpf([A-Z][a-z0-9]*)+$", c.Noun);
            Assert.False(IsPlural(c.Noun), $"{c.Name}: nouns are singular");
        }
    }

    [Fact]
    public void Every_cmdlet_class_is_named_after_the_cmdlet_and_derives_from_the_cancellable_base()
    {
        foreach (var c in M.Cmdlets)
        {
            Assert.Equal("PSBpf.Commands", c.Type.Namespace);
            Assert.Equal(c.Verb + c.Noun + "Command", c.Type.Name);
            Assert.True(c.Type.IsSealed, $"{c.Type.Name} should be sealed");
            Assert.True(DerivesFrom(c.Type, "PSBpf.Commands.BpfCmdletBase"), $"{c.Type.Name} should derive from BpfCmdletBase");
        }
    }

    [Fact]
    public void Every_cmdlet_declares_public_output_types()
    {
        foreach (var c in M.Cmdlets)
        {
            Assert.True(c.OutputTypes.Count > 0, $"{c.Name} has no [OutputType]");
            Assert.Empty(c.OutputTypeNames); // typeof() only: names cannot be checked
            Assert.All(c.OutputTypes, t => Assert.True(t.IsPublic, $"{c.Name}: output type {t} is not public"));
        }
    }

    [Fact]
    public void Import_BpfObject_declares_its_parameters_like_Get_Content()
    {
        var c = M.Cmdlet("Import-BpfObject");
        Assert.Equal("Path", c.DefaultParameterSetName);
        Assert.Equal("PSBpf.Engine.BpfObject", Assert.Single(c.OutputTypes).FullName);

        var path = c.Parameters.Single(p => p.Name == "Path");
        var pathSet = Assert.Single(path.Sets);
        Assert.Equal(("Path", true, (int?)0, true, true), (pathSet.SetName, pathSet.Mandatory, pathSet.Position, pathSet.ValueFromPipeline, pathSet.ValueFromPipelineByPropertyName));
        Assert.True(path.SupportsWildcards);
        Assert.Equal("System.String[]", path.Type.FullName);

        var literal = c.Parameters.Single(p => p.Name == "LiteralPath");
        var literalSet = Assert.Single(literal.Sets);
        Assert.Equal(("LiteralPath", true, (int?)null, false, true), (literalSet.SetName, literalSet.Mandatory, literalSet.Position, literalSet.ValueFromPipeline, literalSet.ValueFromPipelineByPropertyName));
        Assert.Contains("PSPath", literal.Aliases);
        Assert.False(literal.SupportsWildcards);

        var name = c.Parameters.Single(p => p.Name == "Name");
        Assert.True(Assert.Single(name.Sets).IsAllSets);
    }

    [Fact]
    public void No_two_parameters_share_a_name_or_alias()
    {
        foreach (var c in M.Cmdlets)
        {
            var names = c.Parameters.SelectMany(p => p.Aliases.Prepend(p.Name)).ToList();
            var dupes = names.GroupBy(n => n, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
            Assert.True(dupes.Count == 0, $"{c.Name}: {string.Join(", ", dupes)} used twice");
        }
    }

    [Fact]
    public void Every_cmdlet_has_a_docs_page_that_documents_every_parameter_as_declared()
    {
        var problems = new List<string>();
        foreach (var c in M.Cmdlets)
        {
            var help = CmdletDocs.Load(c.Name);
            if (help is null)
            {
                problems.Add($"{c.Name}: {CmdletDocs.PagePath(c.Name)} is missing");
                continue;
            }

            var text = File.ReadAllText(CmdletDocs.PagePath(c.Name));
            foreach (var p in c.Parameters)
            {
                var doc = help.Parameters.SingleOrDefault(d => string.Equals(d.Name, p.Name, StringComparison.OrdinalIgnoreCase));
                if (doc is null)
                {
                    problems.Add($"{c.Name}: -{p.Name} has no '### -{p.Name}' entry");
                    continue;
                }

                if (!text.Contains("-" + p.Name, StringComparison.Ordinal)) problems.Add($"{c.Name}: the page never mentions -{p.Name}");
                if (doc.Description.Count == 0) problems.Add($"{c.Name}: -{p.Name} has no description");
                Compare(problems, c, p, doc);
            }

            foreach (var d in help.Parameters.Where(d => !c.Parameters.Any(p => string.Equals(p.Name, d.Name, StringComparison.OrdinalIgnoreCase))))
            {
                problems.Add($"{c.Name}: the page documents -{d.Name}, which the cmdlet does not have");
            }

            var codeSets = c.ParameterSetNames.Order(StringComparer.OrdinalIgnoreCase).ToList();
            var docSets = help.Syntax.Select(s => s.Name).Order(StringComparer.OrdinalIgnoreCase).ToList();
            if (!codeSets.SequenceEqual(docSets, StringComparer.OrdinalIgnoreCase))
            {
                problems.Add($"{c.Name}: SYNTAX lists sets {string.Join(", ", docSets)}; the cmdlet has {string.Join(", ", codeSets)}");
            }

            if (c.DefaultParameterSetName is not null && help.Syntax.SingleOrDefault(s => s.IsDefault)?.Name != c.DefaultParameterSetName)
            {
                problems.Add($"{c.Name}: SYNTAX should mark '{c.DefaultParameterSetName} (Default)'");
            }

            if (!help.SupportsCommonParameters) problems.Add($"{c.Name}: the page lacks '### CommonParameters'");
            if (help.Examples.Count < 2) problems.Add($"{c.Name}: fewer than two examples");
            foreach (var output in c.OutputTypes)
            {
                string expected = output.FullName == "System.Void" ? "None" : output.FullName!; // platyPS writes "None" for no output
                if (!help.Outputs.Any(o => o.Name == expected)) problems.Add($"{c.Name}: OUTPUTS does not list {output.FullName}");
            }
        }

        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }

    private static void Compare(List<string> problems, CmdletModel c, ParameterModel p, HelpGen.ParameterHelp doc)
    {
        // One yaml block per parameter: every set of the parameter must agree on what the block states.
        var first = p.Sets[0];
        if (p.Sets.Any(s => s.Mandatory != first.Mandatory || s.Position != first.Position || CmdletDocs.PipelineInput(s) != CmdletDocs.PipelineInput(first)))
        {
            problems.Add($"{c.Name}: -{p.Name} differs between its sets; the docs check cannot describe it with one yaml block");
            return;
        }

        void Expect(string what, string expected, string actual)
        {
            if (!string.Equals(expected, actual, StringComparison.OrdinalIgnoreCase)) problems.Add($"{c.Name}: -{p.Name} {what} is '{actual}' in the docs, '{expected}' in the code");
        }

        Expect("Type", CmdletDocs.PlatyTypeName(p.Type), doc.Type);
        Expect("Parameter Sets", first.IsAllSets ? "(All)" : string.Join(", ", p.Sets.Select(s => s.SetName).Order()), string.Join(", ", doc.ParameterSets.Order()));
        Expect("Aliases", string.Join(", ", p.Aliases.Order()), string.Join(", ", doc.Aliases.Order()));
        Expect("Required", first.Mandatory.ToString(), doc.Required.ToString());
        Expect("Position", first.Position?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "Named", doc.Position);
        Expect("Accept pipeline input", CmdletDocs.PipelineInput(first), doc.PipelineInput);
        Expect("Accept wildcard characters", p.SupportsWildcards.ToString(), doc.AcceptsWildcards.ToString());
    }

    private static bool IsPlural(string noun) =>
        noun.EndsWith('s') && !noun.EndsWith("ss", StringComparison.Ordinal) && !noun.EndsWith("us", StringComparison.Ordinal) && !noun.EndsWith("is", StringComparison.Ordinal);

    private static bool DerivesFrom(Type type, string fullName)
    {
        for (var t = type.BaseType; t is not null; t = t.BaseType)
        {
            if (t.FullName == fullName) return true;
        }

        return false;
    }

    [Fact]
    public void The_base_class_is_a_PSCmdlet_that_is_disposable_and_overrides_StopProcessing()
    {
        var b = M.Module.GetType("PSBpf.Commands.BpfCmdletBase", throwOnError: true)!;
        Assert.True(b.IsAbstract);
        Assert.Equal("System.Management.Automation.PSCmdlet", b.BaseType!.FullName);
        Assert.Contains(b.GetInterfaces(), i => i.FullName == "System.IDisposable");
        var stop = b.GetMethod("StopProcessing", BindingFlags.NonPublic | BindingFlags.Instance);
        Assert.NotNull(stop);
        Assert.Equal(b, stop!.DeclaringType);
    }
}
