using PSBpf.Engine.Btf;
using PSBpf.Engine.Loader;

namespace PSBpf.Engine.Tests;

/// <summary>
/// Kernel module BTF as the loader finds it: kernel BTF objects by id walk (as <c>bpftool btf show</c>), modules parsed
/// as split BTF on vmlinux, read only when a search needs them. This kernel is built without module support
/// (no /proc/modules), so the list holds vmlinux alone here; where modules exist the same tests check each of them.
/// </summary>
[Collection(KernelCollection.Name)]
public sealed class ModuleBtfTests
{
    [Fact]
    public void Kernel_btf_objects_are_those_bpftool_lists_as_kernel_btf()
    {
        using var tool = Bpftool.Json("btf", "show");
        var expected = tool.RootElement.EnumerateArray()
            .Where(b => b.TryGetProperty("kernel", out var k) && k.GetBoolean())
            .Select(b => (b.GetProperty("id").GetUInt32(), b.GetProperty("name").GetString()!))
            .ToList();
        var found = KernelModuleBtfs.ListKernelBtf();
        Assert.Equal(expected, found);
        Assert.Contains(found, b => b.Name == "vmlinux");

        int handles = KernelObjects.BpfHandles();
        var vmlinux = KernelBtf.Get(BpfLoadOptions.RunningKernelBtf);
        using (var modules = new KernelModuleBtfs(vmlinux))
        {
            Assert.Equal(found.Where(b => b.Name != "vmlinux").Select(b => b.Name), modules.Modules.Select(m => m.Name));
            foreach (var m in modules.Modules)
            {
                Assert.Same(vmlinux, m.Btf.Base);
                Assert.Equal((uint)vmlinux.Count, m.Btf.FirstTypeId); // split BTF continues vmlinux's ids
                var sysfs = BtfSpec.Load($"/sys/kernel/btf/{m.Name}", vmlinux);
                Assert.Equal(sysfs.Count, m.Btf.Count);
            }

            Assert.Null(modules.Find("psbpf_no_such_type", BtfKind.Struct));
            Assert.Null(modules.Find("task_struct", BtfKind.Struct)); // a vmlinux type is no module's own
        }

        Assert.Equal(handles, KernelObjects.BpfHandles());
    }

    [Fact]
    public void Module_btf_is_read_only_when_vmlinux_lacks_a_type()
    {
        var vmlinux = KernelBtf.Get(BpfLoadOptions.RunningKernelBtf);

        // every CO-RE type of the bootstrap fixture is in vmlinux: modules are never looked at
        using (var obj = BpfObject.Open(Fixtures.Object("bootstrap")))
        {
            var lazy = new LazyBtfList(() => throw new InvalidOperationException("modules were read"));
            var relocator = new CoreRelocator(obj.Btf!, vmlinux, lazy);
            var results = relocator.RelocateObject(obj, p => p.Instructions.ToArray());
            Assert.NotEmpty(results);
            Assert.False(lazy.IsLoaded);
        }

        // cilium's relocs object asks for types vmlinux does not have: then the modules are read, and a module that
        // has such a type supplies the candidate (here a split BTF on the real vmlinux, standing in for a module)
        using (var obj = BpfObject.Open(Path.Combine(Fixtures.CorpusDir, "btf__testdata__relocs-el.elf")))
        {
            var missing = obj.Programs.Concat(obj.Subprograms).SelectMany(p => p.CoreRelocations)
                .Select(r => obj.Btf![r.TypeId]).Where(t => t.Name.Length > 0 && vmlinux.FindByName(BtfCoreNames.EssentialName(t.Name), t.Kind) is null)
                .Select(t => t.Name).Distinct().ToList();
            Assert.NotEmpty(missing);
            var lazy = new LazyBtfList(() => []);
            var relocator = new CoreRelocator(obj.Btf!, vmlinux, lazy);
            relocator.RelocateObject(obj, p => p.Instructions.ToArray());
            Assert.True(lazy.IsLoaded);
        }
    }

    [Fact]
    public void A_kfunc_from_a_module_the_kernel_lacks_is_named_with_where_it_was_looked_for()
    {
        int handles = KernelObjects.BpfHandles();
        using (var obj = BpfObject.Open(Path.Combine(Fixtures.CorpusDir, "kfunc-kmod-el.elf")))
        {
            var e = Assert.Throws<BpfLoadException>(() => obj.Load());
            Assert.Contains("bpf_testmod_test_mod_kfunc", e.Message);
            Assert.Contains("or its modules'", e.Message);
        }

        Assert.Equal(handles, KernelObjects.BpfHandles());
    }
}
