using PSBpf.Engine.Asm;

namespace PSBpf.Engine.Loader;

/// <summary>Applies CO-RE relocations to each function's instructions against the kernel's BTF, before linking.</summary>
internal sealed class RelocationPass
{
    private readonly LoadPlan _plan;
    private readonly BpfObject _obj;
    private readonly BpfLoadOptions _options;
    private readonly KernelModuleBtfs? _modules;

    public RelocationPass(LoadPlan plan, KernelModuleBtfs? modules = null)
    {
        _plan = plan;
        _obj = plan.Object;
        _options = plan.Options;
        _modules = modules;
    }

    /// <summary>What each CO-RE relocation resolved to (poisoned ones included), after <see cref="Apply"/>.</summary>
    public IReadOnlyList<CoreRelocationResult> Results { get; private set; } = [];

    /// <summary>Relocated instructions per function that has CO-RE relocations; others use their ELF instructions.</summary>
    public IReadOnlyDictionary<BpfProgram, BpfInstruction[]> Apply()
    {
        var result = new Dictionary<BpfProgram, BpfInstruction[]>();
        if (_obj.Btf is not { } local || !_obj.Programs.Concat(_obj.Subprograms).Any(p => p.CoreRelocations.Count > 0))
        {
            return result;
        }

        var target = KernelBtf.Get(_options.KernelBtfPath);
        // modules are read only if vmlinux lacks a type (the finder enumerates them lazily)
        var modules = _modules is null ? null : new LazyBtfList(() => _modules.Modules.Select(m => m.Btf).ToList());
        var relocator = new CoreRelocator(local, target, moduleBtfs: modules, log: _options.Log);
        Results = relocator.RelocateObject(_obj, p =>
        {
            var copy = (BpfInstruction[])p.InstructionArray.Clone();
            result[p] = copy;
            return copy;
        }, _plan.Loads);
        return result;
    }
}
