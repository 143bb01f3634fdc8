using System.Reflection;
using PSBpf.Completion;
using PSBpf.Engine;

namespace PSBpf.Module.Tests;

/// <summary>
/// The argument completers: their candidates (pure functions of the word typed and the bound values, called here
/// without PowerShell) and, statically, that every completer attribute names an IArgumentCompleter and that every
/// parameter issue #5 lists has one.
/// </summary>
public sealed class CompletionTests
{
    private static readonly string[] NoKernel = [];

    [Fact]
    public void Program_names_come_from_the_bound_object_before_the_kernel()
    {
        using var obj = BpfObject.Open(TestPaths.Fixture("bootstrap.bpf.o"));
        Assert.Equal(["handle_exec", "handle_exit"], CompletionCandidates.ProgramNames("", obj, () => throw new InvalidOperationException("not asked")));
        Assert.Equal(["handle_exit"], CompletionCandidates.ProgramNames("HANDLE_EXI", obj, () => NoKernel));
        Assert.Equal(["handle_exec", "handle_exit"], CompletionCandidates.ProgramNames("handle*", obj, () => NoKernel));
        Assert.Equal(["handle_exec"], CompletionCandidates.ProgramNames("", obj.Programs["handle_exec"], () => NoKernel));
        // a rooted -Path is opened (the open phase touches nothing); a path that is not an object offers nothing
        Assert.Equal(["handle_exec", "handle_exit"], CompletionCandidates.ProgramNames("h", TestPaths.Fixture("bootstrap.bpf.o"), () => ["kernel_prog"]));
        Assert.Empty(CompletionCandidates.ProgramNames("", "/nonexistent.bpf.o", () => ["kernel_prog"]));
    }

    [Fact]
    public void Without_a_bound_object_names_come_from_the_kernel_and_failures_give_nothing()
    {
        Assert.Equal(["cgroup_skb", "xdp_prog"], CompletionCandidates.ProgramNames(null, null, () => ["xdp_prog", "cgroup_skb", "xdp_prog", ""]));
        Assert.Equal(["xdp_prog"], CompletionCandidates.ProgramNames("x", null, () => ["xdp_prog", "cgroup_skb"]));
        Assert.Empty(CompletionCandidates.ProgramNames("", null, () => throw new BpfSyscallException(BpfCommand.ProgGetNextId, "BPF_PROG_GET_NEXT_ID", 1)));
        Assert.Equal(["counts"], CompletionCandidates.MapNames("c", null, () => ["rb", "counts"]));
        Assert.Empty(CompletionCandidates.MapNames("", null, () => throw new UnauthorizedAccessException()));
    }

    [Fact]
    public void Map_names_come_from_the_bound_object_or_a_bound_maps_object()
    {
        using var obj = BpfObject.Open(TestPaths.Fixture("bootstrap.bpf.o"));
        var all = obj.Maps.Names.Order(StringComparer.OrdinalIgnoreCase).ToList();
        Assert.Equal(all, CompletionCandidates.MapNames("", obj, () => NoKernel));
        Assert.Equal(all, CompletionCandidates.MapNames("", obj.Maps["rb"], () => NoKernel));
        Assert.Equal(["rb"], CompletionCandidates.MapNames("r", obj, () => NoKernel));
    }

    [Fact]
    public void Record_types_are_the_named_structs_unions_and_typedefs_of_the_maps_object()
    {
        using var obj = BpfObject.Open(TestPaths.Fixture("bootstrap.bpf.o"));
        var types = CompletionCandidates.RecordTypeNames("", obj.Maps["rb"]);
        Assert.Contains("task_struct", types); // a kernel struct the program's CO-RE reads name
        Assert.Contains("u32", types); // typedef
        Assert.DoesNotContain("", types);
        var named = obj.Btf!.GetTypes().Where(t => t.Kind is Engine.Btf.BtfKind.Struct or Engine.Btf.BtfKind.Union or Engine.Btf.BtfKind.Typedef && t.Name.Length > 0)
            .Select(t => t.Name).Distinct().Order(StringComparer.OrdinalIgnoreCase);
        Assert.Equal(named, types); // exactly the named structs, unions and typedefs, nothing else (no ints, funcs, vars)
        Assert.Equal(["task_struct"], CompletionCandidates.RecordTypeNames("task_s", obj.Maps["rb"]));
        Assert.Equal(types, CompletionCandidates.RecordTypeNames("", obj));
        Assert.Empty(CompletionCandidates.RecordTypeNames("", null));
        Assert.Empty(CompletionCandidates.RecordTypeNames("", "not a map"));
    }

    [Fact]
    public void Record_types_of_a_bound_header_or_definition_are_the_types_it_declares()
    {
        string fixtures = Path.Combine(TestPaths.RepoRoot, "tests", "fixtures");
        Assert.Equal(["event"], CompletionCandidates.HeaderTypeNames("", "bootstrap.h", null, fixtures));
        Assert.Equal(["event"], CompletionCandidates.HeaderTypeNames("ev", Path.Combine(fixtures, "bootstrap.h"), null, "/"));
        Assert.Equal(["a", "b"], CompletionCandidates.HeaderTypeNames("", null, "struct b { int x; }; struct a { int y; };", fixtures));
        Assert.Empty(CompletionCandidates.HeaderTypeNames("", "no-such.h", null, fixtures));
        Assert.Empty(CompletionCandidates.HeaderTypeNames("", null, "struct broken {", fixtures));
    }

    [Fact]
    public void Interface_names_are_the_entries_of_sys_class_net()
    {
        Assert.Contains("lo", CompletionCandidates.InterfaceNames(""));
        Assert.Equal(Directory.GetFileSystemEntries("/sys/class/net").Select(Path.GetFileName).Order(StringComparer.OrdinalIgnoreCase), CompletionCandidates.InterfaceNames(null));

        var dir = Directory.CreateTempSubdirectory("psbpf-surface-net-");
        try
        {
            foreach (var n in new[] { "eth0", "eth1", "veth-a" }) Directory.CreateDirectory(Path.Join(dir.FullName, n));
            Assert.Equal(["eth0", "eth1"], CompletionCandidates.InterfaceNames("eth", dir.FullName));
            Assert.Empty(CompletionCandidates.InterfaceNames("", Path.Join(dir.FullName, "missing")));
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public void Cgroup_paths_are_directories_below_the_root_or_the_typed_path()
    {
        var root = Directory.CreateTempSubdirectory("psbpf-surface-cg-").FullName;
        try
        {
            foreach (var d in new[] { "system.slice", "system.slice/ssh.service", "user.slice", "usr" }) Directory.CreateDirectory(Path.Join(root, d));
            File.WriteAllText(Path.Join(root, "cgroup.procs"), "");
            string J(string p) => Path.Join(root, p);
            Assert.Equal([J("system.slice"), J("user.slice"), J("usr")], CompletionCandidates.CgroupPaths("", root));
            Assert.Equal([J("user.slice"), J("usr")], CompletionCandidates.CgroupPaths("us", root));
            Assert.Equal([J("system.slice/ssh.service")], CompletionCandidates.CgroupPaths("system.slice/", root));
            Assert.Equal([J("system.slice/ssh.service")], CompletionCandidates.CgroupPaths(J("system.slice/s"), "/unused"));
            Assert.Empty(CompletionCandidates.CgroupPaths("nothing/here/", root));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }

        Assert.All(CompletionCandidates.CgroupPaths(""), p => Assert.StartsWith("/sys/fs/cgroup/", p, StringComparison.Ordinal));
    }

    /// <summary>Every [ArgumentCompleter(typeof(X))] on a cmdlet parameter names a public type that implements IArgumentCompleter and can be created.</summary>
    [Fact]
    public void Every_completer_attribute_names_an_IArgumentCompleter()
    {
        int seen = 0;
        foreach (var (cmdlet, parameter, type) in Completers())
        {
            seen++;
            Assert.True(type.IsPublic && !type.IsAbstract, $"{cmdlet} -{parameter}: {type} must be a public concrete class");
            Assert.Contains(type.GetInterfaces(), i => i.FullName == "System.Management.Automation.IArgumentCompleter");
            Assert.NotNull(type.GetConstructor(Type.EmptyTypes));
        }

        Assert.True(seen > 0);
    }

    /// <summary>Issue #5: program and map names, interface names, BTF struct names for -Type, cgroup paths.</summary>
    [Theory]
    [InlineData("Get-BpfProgram", "Name", nameof(ProgramNameCompleter))]
    [InlineData("Get-BpfMap", "Name", nameof(MapNameCompleter))]
    [InlineData("Add-BpfAttachment", "Name", nameof(ProgramNameCompleter))]
    [InlineData("Add-BpfAttachment", "Interface", nameof(InterfaceNameCompleter))]
    [InlineData("Add-BpfAttachment", "CgroupPath", nameof(CgroupPathCompleter))]
    [InlineData("Receive-BpfRingBuffer", "Type", nameof(RecordTypeCompleter))]
    [InlineData("Test-BpfObject", "Program", nameof(ProgramNameCompleter))]
    public void Listed_parameters_have_their_completer(string cmdlet, string parameter, string completer)
    {
        var found = Completers().Where(c => c.Cmdlet == cmdlet && c.Parameter == parameter).Select(c => c.Type.Name).ToList();
        Assert.Equal([completer], found);
    }

    private static IEnumerable<(string Cmdlet, string Parameter, Type Type)> Completers()
    {
        foreach (var c in ModuleMetadata.Instance.Cmdlets)
        {
            foreach (var p in c.Parameters)
            {
                // WhatIf/Confirm are added by ShouldProcess, not declared as properties
                if (c.Type.GetProperty(p.Name, BindingFlags.Public | BindingFlags.Instance) is not { } property) continue;
                foreach (var a in property.GetCustomAttributesData().Where(a => a.AttributeType.FullName == "System.Management.Automation.ArgumentCompleterAttribute"))
                {
                    Assert.True(a.ConstructorArguments.Count == 1 && a.ConstructorArguments[0].Value is Type, $"{c.Name} -{p.Name}: completers are named by typeof(), not script blocks");
                    yield return (c.Name, p.Name, (Type)a.ConstructorArguments[0].Value!);
                }
            }
        }
    }
}
