using System.Reflection;
using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace PSBpf.Module.Tests;

/// <summary>PSBpf.format.ps1xml: every view names real types and only their real public properties.</summary>
public sealed partial class FormatViewTests
{
    private const string Deserialized = "Deserialized.";
    private static readonly XDocument Format = XDocument.Load(TestPaths.FormatFile);

    private static IEnumerable<XElement> Views => Format.Root!.Element("ViewDefinitions")!.Elements("View");

    [Fact]
    public void Every_view_names_real_types()
    {
        foreach (var view in Views)
        {
            var names = view.Element("ViewSelectedBy")!.Elements("TypeName").Select(e => e.Value.Trim()).ToList();
            Assert.NotEmpty(names);
            foreach (var name in names)
            {
                Assert.True(Resolve(name) is not null, $"view {view.Element("Name")!.Value}: no type {name}");
            }
        }
    }

    [Fact]
    public void Every_view_names_only_public_properties_of_its_types()
    {
        var problems = new List<string>();
        foreach (var view in Views)
        {
            var viewName = view.Element("Name")!.Value;
            var types = view.Element("ViewSelectedBy")!.Elements("TypeName").Select(e => Resolve(e.Value.Trim())).OfType<Type>().ToList();
            var properties = view.Descendants("PropertyName").Select(e => e.Value.Trim());
            // Script blocks may only read properties of $_ (so they also work on deserialized copies).
            var scripted = view.Descendants("ScriptBlock").SelectMany(e => DollarUnderscoreMember().Matches(e.Value).Select(m => m.Groups[1].Value));
            foreach (var property in properties.Concat(scripted).Distinct(StringComparer.Ordinal))
            {
                foreach (var type in types)
                {
                    if (type.GetProperty(property, BindingFlags.Public | BindingFlags.Instance) is null)
                    {
                        problems.Add($"view {viewName}: {type.FullName} has no public property '{property}'");
                    }
                }
            }
        }

        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }

    [Fact]
    public void Every_view_covers_the_deserialized_type_too()
    {
        foreach (var view in Views)
        {
            var names = view.Element("ViewSelectedBy")!.Elements("TypeName").Select(e => e.Value.Trim()).ToHashSet(StringComparer.Ordinal);
            foreach (var live in names.Where(n => !n.StartsWith(Deserialized, StringComparison.Ordinal)))
            {
                Assert.Contains(Deserialized + live, names);
            }
        }
    }

    [Fact]
    public void Every_cmdlet_output_type_and_the_object_model_types_have_a_table_view()
    {
        var tabled = Views.Where(v => v.Element("TableControl") is not null)
            .SelectMany(v => v.Element("ViewSelectedBy")!.Elements("TypeName").Select(e => e.Value.Trim()))
            .ToHashSet(StringComparer.Ordinal);
        var required = ModuleMetadata.Instance.Cmdlets.SelectMany(c => c.OutputTypes).Select(t => t.FullName!)
            .Where(t => t != "System.Void") // [OutputType(typeof(void))]: the cmdlet writes nothing
            // BTF-decoded records are custom objects whose properties are the fields of a struct known only at run time,
            // and raw records are byte arrays: PowerShell's own formatting shows them; a fixed table cannot.
            .Where(t => t is not ("System.Management.Automation.PSObject" or "System.Byte[]"))
            .Concat(["PSBpf.Engine.BpfProgram", "PSBpf.Engine.BpfMap", "PSBpf.Engine.BpfGlobal", "PSBpf.Engine.BpfExtern"]);
        foreach (var type in required)
        {
            Assert.Contains(type, tabled);
        }
    }

    [Fact]
    public void The_program_table_has_bpftool_columns()
    {
        var view = Views.Single(v => v.Element("TableControl") is not null && v.Descendants("TypeName").Any(t => t.Value == "PSBpf.Engine.BpfProgram"));
        var labels = view.Descendants("TableColumnHeader").Select(h => h.Element("Label")!.Value).ToList();
        Assert.Equal(["Name", "Type", "Section", "Insns", "AutoLoad", "Id", "Tag"], labels);
        var items = view.Descendants("TableColumnItem").ToList();
        Assert.Equal(labels.Count, items.Count);
    }

    [Fact]
    public void View_names_are_unique()
    {
        var names = Views.Select(v => v.Element("Name")!.Value).ToList();
        Assert.Equal(names.Count, names.Distinct(StringComparer.OrdinalIgnoreCase).Count());
    }

    [Fact]
    public void Table_views_have_as_many_columns_as_headers()
    {
        foreach (var table in Format.Descendants("TableControl"))
        {
            int headers = table.Descendants("TableColumnHeader").Count();
            foreach (var row in table.Descendants("TableRowEntry"))
            {
                Assert.Equal(headers, row.Descendants("TableColumnItem").Count());
            }
        }
    }

    private static Type? Resolve(string name)
    {
        var live = name.StartsWith(Deserialized, StringComparison.Ordinal) ? name[Deserialized.Length..] : name;
        return ModuleMetadata.Instance.ModuleType(live);
    }

    [GeneratedRegex(@"\$_\.(\w+)")]
    private static partial Regex DollarUnderscoreMember();
}
