using PSBpf.Engine;
using PSBpf.Output;

namespace PSBpf.Module.Tests;

/// <summary>Which items become by-name members of their collection ($o.Programs.handle_tp), without a runspace.</summary>
public sealed class CollectionMemberPlannerTests
{
    [Fact]
    public void The_collections_own_members_and_PowerShells_intrinsics_are_reserved()
    {
        var reserved = CollectionMemberPlanner.ReservedNames(typeof(BpfNamedCollection<BpfGlobal>));
        foreach (var name in new[] { "Count", "count", "Names", "Item", "Find", "Contains", "TryGetValue", "GetEnumerator", "ToString", "GetType", "psobject", "PSBase", "pstypenames", "ForEach", "Where", "Length" })
        {
            Assert.Contains(name, reserved);
        }

        Assert.DoesNotContain("get_Count", reserved);
        Assert.DoesNotContain("my_pid", reserved);
    }

    [Fact]
    public void Reserved_and_case_duplicate_names_are_skipped_with_a_reason()
    {
        var plan = CollectionMemberPlanner.Plan(["handle_tp", "count", "Handle_TP", "rb", "find", "rb"], typeof(BpfNamedCollection<BpfProgram>));
        Assert.Equal(["handle_tp", "rb"], plan.Members);
        Assert.Equal(["count", "Handle_TP", "find", "rb"], plan.Skipped.Select(s => s.Name));
        Assert.Contains("['count']", plan.Skipped[0].Reason, StringComparison.Ordinal);
        Assert.Contains("case", plan.Skipped[1].Reason, StringComparison.Ordinal);
        Assert.Contains("first", plan.Skipped[3].Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_item_of_the_fixtures_gets_a_member()
    {
        foreach (var fixture in new[] { "minimal.bpf.o", "bootstrap.bpf.o", "maps.bpf.o", "calls.bpf.o", "kconfig.bpf.o" })
        {
            using var obj = BpfObject.Open(TestPaths.Fixture(fixture));
            foreach (var names in new[] { obj.Programs.Names, obj.Subprograms.Names, obj.Maps.Names, obj.Externs.Names, obj.Globals.Names })
            {
                var plan = CollectionMemberPlanner.Plan(names, obj.Programs.GetType());
                Assert.True(plan.Skipped.Count == 0, $"{fixture}: {string.Join("; ", plan.Skipped)}");
                Assert.Equal(names, plan.Members);
            }
        }
    }

    [Fact]
    public void The_open_phase_gives_the_members_the_docs_promise()
    {
        using var minimal = BpfObject.Open(TestPaths.Fixture("minimal.bpf.o"));
        Assert.Contains("handle_tp", CollectionMemberPlanner.Plan(minimal.Programs.Names, minimal.Programs.GetType()).Members);
        Assert.Equal(BpfProgramType.tracepoint, minimal.Programs["handle_tp"].Type);
        Assert.Equal("tracepoint", minimal.Programs["handle_tp"].Type.ToString());
        Assert.Contains("my_pid", CollectionMemberPlanner.Plan(minimal.Globals.Names, minimal.Globals.GetType()).Members);

        using var bootstrap = BpfObject.Open(TestPaths.Fixture("bootstrap.bpf.o"));
        Assert.Contains("rb", CollectionMemberPlanner.Plan(bootstrap.Maps.Names, bootstrap.Maps.GetType()).Members);
        Assert.Equal(BpfMapType.ringbuf, bootstrap.Maps["rb"].Type);
    }
}
