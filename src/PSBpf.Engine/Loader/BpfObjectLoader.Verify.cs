using PSBpf.Engine.Native;

namespace PSBpf.Engine.Loader;

/// <summary>
/// Verification without loading (veristat's mode): the object's BTF and maps are created once, then each chosen program is
/// loaded on its own with verifier statistics and closed at once, so a refused program does not stop the others.
/// Nothing is pinned, nothing attached, and everything is closed before returning.
/// </summary>
internal sealed partial class BpfObjectLoader
{
    private const uint LogStats = 4, LogVerbose = 1; // BPF_LOG_STATS, BPF_LOG_LEVEL1

    public IReadOnlyList<BpfProgramVerification> Verify(IReadOnlyList<BpfProgram> programs)
    {
        if (_obj.IsLoaded) throw new InvalidOperationException($"object '{_obj.Name}' is loaded; verify an object that is only opened (a new Import-BpfObject / BpfObject.Open)");

        var savedAutoLoad = _obj.Programs.Select(p => p.AutoLoad).ToArray();
        var savedMaxEntries = _obj.Maps.Select(m => m.MaxEntries).ToArray();
        var savedValueSizes = _obj.Maps.Select(m => m.ValueSize).ToArray(); // struct_ops maps take the kernel's value size
        var results = new List<BpfProgramVerification>();
        using var modules = OpenModules();
        try
        {
            // struct_ops members are matched with the kernel first, as in Load; then the chosen programs are the ones
            // "to load": extern resolution and CO-RE treat them as libbpf treats autoload
            StructOpsBinder.Prepare(_obj, KernelBtf.Get(_options.KernelBtfPath), modules, Log);
            foreach (var p in _obj.Programs) p.AutoLoad = programs.Contains(p);
            var externs = ResolveExterns(modules);
            var code = RelocateCore(modules);
            LoadBtf();
            foreach (var map in _obj.Maps.Where(m => m.AutoCreate))
            {
                if (map.Type == BpfMapType.perf_event_array && map.MaxEntries == 0) map.MaxEntries = (uint)KernelInfo.PossibleCpus;
                map.Fd = CreateMapFd(map); // never pinned, never a reused pin: verification must leave nothing behind
                if (map.IsInternal) PopulateDataMap(map);
            }

            foreach (var prog in programs) results.Add(VerifyProgram(prog, code, externs));
        }
        finally
        {
            _obj.ReleaseKernelObjects();
            for (int i = 0; i < savedAutoLoad.Length; i++) _obj.Programs[i].AutoLoad = savedAutoLoad[i];
            for (int i = 0; i < savedMaxEntries.Length; i++) _obj.Maps[i].MaxEntries = savedMaxEntries[i];
            for (int i = 0; i < savedValueSizes.Length; i++) _obj.Maps[i].ValueSize = savedValueSizes[i];
        }

        return results;
    }

    private BpfProgramVerification VerifyProgram(BpfProgram prog, IReadOnlyDictionary<BpfProgram, Asm.BpfInstruction[]> code, ExternValues externs)
    {
        var (id, tag, verified, log) = (prog.Id, prog.Tag, prog.VerifiedInstructions, prog.VerifierLog);
        LinkedProgram? linked = null;
        try
        {
            linked = new ProgramLinker(_obj, code).Link(prog);
            LoadProgram(linked, externs);
            var stats = VerifierStats.Parse(prog.VerifierLog);
            return Row(prog, linked, stats, accepted: true) with { InstructionsProcessed = prog.VerifiedInstructions ?? stats.Processed, VerifierLog = prog.VerifierLog, KernelId = prog.Id };
        }
        catch (BpfVerifierException e)
        {
            // the statistics-only log has the verifier's complaint but not the instruction trace that explains it
            string full = FullLog(linked!, externs) ?? e.VerifierLog;
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
            prog.Fd?.Dispose();
            prog.Fd = null;
            (prog.Id, prog.Tag, prog.VerifiedInstructions, prog.VerifierLog) = (id, tag, verified, log);
        }
    }

    /// <summary>Loads a refused program again with the instruction-level log (and statistics); null if it is accepted this time.</summary>
    private string? FullLog(LinkedProgram linked, ExternValues externs)
    {
        var verbose = new BpfObjectLoader(_obj, _options with { LogLevel = LogVerbose | LogStats, Log = null }) { _coreResults = _coreResults };
        try
        {
            verbose.LoadProgram(linked, externs);
            return null;
        }
        catch (BpfVerifierException e)
        {
            return e.VerifierLog;
        }
        finally
        {
            linked.Main.Fd?.Dispose();
            linked.Main.Fd = null;
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
