using PSBpf.Engine.Asm;

namespace PSBpf.Engine.Loader;

/// <summary>Applies CO-RE relocations to each function's instructions before linking.</summary>
internal sealed class RelocationPass
{
    private readonly BpfObject _obj;
    private readonly BpfLoadOptions _options;

    public RelocationPass(BpfObject obj, BpfLoadOptions options)
    {
        _obj = obj;
        _options = options;
    }

    /// <summary>Relocated instructions per function that has CO-RE relocations; others use their ELF instructions.</summary>
    public IReadOnlyDictionary<BpfProgram, BpfInstruction[]> Apply()
    {
        var result = new Dictionary<BpfProgram, BpfInstruction[]>();
        foreach (var p in _obj.Programs.Where(p => p.AutoLoad).Concat(_obj.Subprograms))
        {
            if (p.CoreRelocations.Count > 0)
            {
                throw new BpfLoadException($"program '{p.Name}'", $"has {p.CoreRelocations.Count} CO-RE relocations against {_options.KernelBtfPath}; CO-RE is not implemented in this build yet");
            }
        }

        return result;
    }
}
