namespace PSBpf.Engine.Loader;

/// <summary>
/// Verification without loading (veristat's mode): the object's BTF and maps are created once, then each chosen program is
/// loaded on its own with verifier statistics and closed at once, so a refused program does not stop the others.
/// It works on its own <see cref="LoadPlan"/> that is never committed: nothing is pinned, nothing attached, the opened
/// object is not written, and everything is closed before returning.
/// </summary>
internal sealed class ObjectVerifier
{
    private const uint LogStats = 4, LogVerbose = 1; // BPF_LOG_STATS, BPF_LOG_LEVEL1
    private readonly BpfObject _obj;
    private readonly BpfLoadOptions _options;

    public ObjectVerifier(BpfObject obj, BpfLoadOptions options)
    {
        _obj = obj;
        _options = options;
    }

    public IReadOnlyList<BpfProgramVerification> Verify(IReadOnlyList<BpfProgram> programs)
    {
        if (_obj.IsLoaded) throw new InvalidOperationException($"object '{_obj.Name}' is loaded; verify an object that is only opened (a new Import-BpfObject / BpfObject.Open)");

        using var modules = BpfObjectLoader.OpenModules(_options);
        using var plan = new LoadPlan(_obj, _options, [], pin: false);
        // struct_ops members are matched with the kernel first, as in Load; then the chosen programs are the ones
        // "to load": extern resolution and CO-RE treat them as libbpf treats autoload
        StructOpsBinder.Prepare(plan, KernelBtf.Get(_options.KernelBtfPath), modules);
        plan.ToLoad.Clear();
        plan.ToLoad.UnionWith(programs);
        BpfObjectLoader.ResolveExterns(plan, modules);
        var code = BpfObjectLoader.RelocateCore(plan, modules);
        BtfUploader.Upload(plan, BpfObjectLoader.Features(_options));
        foreach (var map in plan.Maps.Where(m => m.Spec.AutoCreate))
        {
            MapCreator.Create(map, plan.Btf, plan.Log); // never pinned, never a reused pin: verification must leave nothing behind
        }

        return [.. programs.Select(p => VerifyProgram(plan, p, code))];
    }

    private BpfProgramVerification VerifyProgram(LoadPlan plan, BpfProgram prog, IReadOnlyDictionary<BpfProgram, Asm.BpfInstruction[]> code)
    {
        LinkedProgram? linked = null;
        LoadedProgram? loaded = null;
        try
        {
            linked = new ProgramLinker(_obj, code).Link(prog);
            loaded = ProgramLoader.Load(plan, linked, _options.LogLevel);
            var stats = VerifierStats.Parse(loaded.VerifierLog);
            return Row(prog, linked, stats, accepted: true) with { InstructionsProcessed = loaded.VerifiedInstructions, VerifierLog = loaded.VerifierLog, KernelId = loaded.Id };
        }
        catch (BpfVerifierException e)
        {
            // the statistics-only log has the verifier's complaint but not the instruction trace that explains it
            string full = FullLog(plan, linked!) ?? e.VerifierLog;
            return Row(prog, linked, VerifierStats.Parse(e.VerifierLog), accepted: false) with
            {
                Errno = e.Errno,
                Error = BpfVerifierException.Summarize(full),
                VerifierLog = full,
            };
        }
        catch (Exception e) when (e is BpfLoadException or BpfSyscallException or CoreRelocationException or BpfFormatException or NotSupportedException or KeyNotFoundException)
        {
            return Row(prog, linked, VerifierStats.Parse(null), accepted: false) with
            {
                Errno = e switch { BpfSyscallException s => s.Errno, CoreRelocationException c => c.Errno, _ => null },
                Error = e.Message,
            };
        }
        finally
        {
            loaded?.Fd.Dispose();
        }
    }

    /// <summary>Loads a refused program again with the instruction-level log (and statistics); null if it is accepted this time.</summary>
    private static string? FullLog(LoadPlan plan, LinkedProgram linked)
    {
        try
        {
            ProgramLoader.Load(plan, linked, LogVerbose | LogStats).Fd.Dispose();
            return null;
        }
        catch (BpfVerifierException e)
        {
            return e.VerifierLog;
        }
    }

    private BpfProgramVerification Row(BpfProgram prog, LinkedProgram? linked, VerifierStats stats, bool accepted) => new()
    {
        Object = _obj.Name,
        Path = _obj.Path,
        Program = prog.Name,
        Section = prog.SectionName,
        Type = prog.Type,
        Accepted = accepted,
        Instructions = linked?.Instructions.Count,
        InstructionsProcessed = stats.Processed,
        TotalStates = stats.TotalStates,
        PeakStates = stats.PeakStates,
        VerificationTime = stats.Time,
        StackDepth = stats.StackDepths.Count > 0 ? stats.StackDepths.Sum() : null,
        StackDepths = stats.StackDepths,
    };
}
