using PSBpf.Engine.Btf;
using PSBpf.Engine.Native;

namespace PSBpf.Engine.Loader;

/// <summary>
/// The BTF of the running kernel's modules, for one load (libbpf's load_module_btfs): every kernel BTF object but
/// vmlinux, found by walking BTF ids, opened, and parsed as split BTF on vmlinux. Loaded on first use only, because
/// libbpf too looks at modules only when vmlinux lacks a type. The fds stay open until the load is over: the kernel
/// takes a module's BTF fd where a kfunc, ksym or struct_ops type comes from it.
/// </summary>
internal sealed class KernelModuleBtfs : IDisposable
{
    private static readonly Dictionary<uint, BtfSpec> Parsed = [];
    private readonly BtfSpec _vmlinux;
    private List<ModuleBtf>? _modules;

    public KernelModuleBtfs(BtfSpec vmlinux) => _vmlinux = vmlinux;

    /// <summary>The modules' BTF, in kernel id order (loaded now if not yet).</summary>
    public IReadOnlyList<ModuleBtf> Modules => _modules ??= Load(_vmlinux);

    /// <summary>Kernel BTF objects (vmlinux and modules) by id; other BTF objects (programs' own) are left out.</summary>
    public static IReadOnlyList<(uint Id, string Name)> ListKernelBtf()
    {
        var list = new List<(uint, string)>();
        foreach (var (id, fd, name, _) in WalkKernelBtf())
        {
            using (fd) list.Add((id, name));
        }

        return list;
    }

    /// <summary>
    /// Walks BPF_BTF_GET_NEXT_ID and opens each kernel BTF object (vmlinux, modules); the caller owns each fd it is handed.
    /// Objects released between the walk and the open are skipped, as are programs' own BTF objects.
    /// </summary>
    private static IEnumerable<(uint Id, BpfFd Fd, string Name, uint Size)> WalkKernelBtf()
    {
        for (uint? id = Bpf.GetNextId(BpfCommand.BtfGetNextId, 0); id is { } current; id = Bpf.GetNextId(BpfCommand.BtfGetNextId, current))
        {
            var fd = Bpf.GetFdById(BpfCommand.BtfGetFdById, current);
            if (fd is null) continue;
            (uint Id, string Name, bool IsKernel, uint Size) info;
            try
            {
                info = Bpf.BtfGetInfo(fd);
            }
            catch
            {
                fd.Dispose();
                throw;
            }

            if (info.IsKernel) yield return (current, fd, info.Name, info.Size);
            else fd.Dispose();
        }
    }

    private static List<ModuleBtf> Load(BtfSpec vmlinux)
    {
        var modules = new List<ModuleBtf>();
        try
        {
            foreach (var (id, fd, name, size) in WalkKernelBtf())
            {
                if (name == "vmlinux")
                {
                    fd.Dispose();
                    continue;
                }

                try
                {
                    BtfSpec btf;
                    lock (Parsed)
                    {
                        // a kernel BTF object's id is not reused while the module stays loaded, so its parse can be shared
                        if (!Parsed.TryGetValue(id, out btf!) || !ReferenceEquals(btf.Base, vmlinux))
                        {
                            Parsed[id] = btf = BtfSpec.Parse(Bpf.BtfGetData(fd, size), name, vmlinux);
                        }
                    }

                    modules.Add(new ModuleBtf(name, id, fd, btf));
                }
                catch
                {
                    fd.Dispose();
                    throw;
                }
            }
        }
        catch
        {
            foreach (var m in modules) m.Fd.Dispose();
            throw;
        }

        return modules;
    }

    /// <summary>Finds a type by name and kind in the modules, in module order: the module and the type id there.</summary>
    public (ModuleBtf Module, BtfType Type)? Find(string name, BtfKind kind)
    {
        foreach (var m in Modules)
        {
            if (m.Btf.FindByName(name, kind) is { } t && t.Id >= m.Btf.FirstTypeId) return (m, t);
        }

        return null;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_modules is null) return;
        foreach (var m in _modules) m.Fd.Dispose();
    }
}

/// <summary>One kernel module's BTF: its name, kernel BTF id, an open fd, and its types (split on vmlinux).</summary>
internal sealed record ModuleBtf(string Name, uint Id, BpfFd Fd, BtfSpec Btf);
