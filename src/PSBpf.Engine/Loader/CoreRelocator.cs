using PSBpf.Engine.Asm;
using PSBpf.Engine.Btf;

namespace PSBpf.Engine.Loader;

/// <summary>
/// Applies BPF CO-RE relocations the way libbpf does (bpf_object__relocate_core): for each relocation,
/// find the target candidates of the local type, match the access spec against each, require all matches
/// to agree, and patch the instruction (or poison it when nothing matched).
/// </summary>
/// <remarks>
/// One instance is one relocation session: it caches candidate lists per local type id and prunes them as
/// libbpf does, so relocate every program of an object through the same instance, in libbpf's order
/// (<see cref="RelocateObject"/> does exactly that). Not thread-safe.
/// </remarks>
public sealed class CoreRelocator
{
    private readonly CoreCandidateFinder _finder;
    private readonly Action<string>? _log;

    /// <summary>
    /// Creates a session relocating code described by <paramref name="localBtf"/> (the object's BTF) against
    /// <paramref name="targetBtf"/>. When <paramref name="targetBtf"/> is split BTF (a kernel module's), its base
    /// is searched first and the module only when the base has no candidate, as libbpf treats vmlinux and modules.
    /// </summary>
    /// <param name="localBtf">The object's BTF.</param>
    /// <param name="targetBtf">vmlinux BTF (or a custom target such as another object's BTF), or a module's split BTF.</param>
    /// <param name="moduleBtfs">
    /// Module BTFs (split over vmlinux, e.g. /sys/kernel/btf/&lt;module&gt;) searched, in order, for types vmlinux lacks.
    /// libbpf searches modules only when the target is the running kernel's BTF, not a custom target file
    /// (btf_custom_path); pass none in that case to match it.
    /// </param>
    /// <param name="log">Receives libbpf-style debug lines ("prog 'X': relo #N: ..."), for verbose output and diagnostics.</param>
    public CoreRelocator(BtfSpec localBtf, BtfSpec targetBtf, IEnumerable<BtfSpec>? moduleBtfs = null, Action<string>? log = null)
    {
        ArgumentNullException.ThrowIfNull(localBtf);
        ArgumentNullException.ThrowIfNull(targetBtf);
        BtfSpec? first = null;
        var vmlinux = targetBtf;
        if (targetBtf.Base is { } baseBtf)
        {
            vmlinux = baseBtf;
            first = targetBtf;
        }

        // enumerated only when a type is missing from vmlinux, so the kernel's modules are read only then
        var modules = new LazyBtfList(() => (first is null ? [] : new[] { first }).Concat(moduleBtfs ?? []).ToList());
        LocalBtf = localBtf;
        TargetBtf = vmlinux;
        ModuleBtfs = modules;
        _log = log;
        _finder = new CoreCandidateFinder(localBtf, vmlinux, modules);
    }

    /// <summary>The object's BTF.</summary>
    public BtfSpec LocalBtf { get; }
    /// <summary>The main target BTF (vmlinux or a custom target).</summary>
    public BtfSpec TargetBtf { get; }
    /// <summary>Module BTFs searched when the main target has no candidate.</summary>
    public IReadOnlyList<BtfSpec> ModuleBtfs { get; }

    /// <summary>
    /// Relocates every CO-RE relocation of <paramref name="program"/> in <paramref name="instructions"/>
    /// (a copy of the program's own instructions, before subprogram linking), in record order.
    /// </summary>
    /// <exception cref="CoreRelocationException">A relocation cannot be applied (ambiguity, unexpected instruction, malformed record).</exception>
    public IReadOnlyList<CoreRelocationResult> Relocate(BpfProgram program, BpfInstruction[] instructions)
    {
        ArgumentNullException.ThrowIfNull(program);
        ArgumentNullException.ThrowIfNull(instructions);
        var relocations = program.CoreRelocations;
        var indices = SectionIndices(program);
        var results = new List<CoreRelocationResult>(relocations.Count);
        for (int k = 0; k < relocations.Count; k++)
        {
            var r = relocations[k];
            results.Add(Apply(program.Name, r, indices[k], program.SectionInstructionOffset + r.InstructionOffset, instructions));
        }

        return results;
    }

    /// <summary>
    /// Relocates a whole object in libbpf's order: CO-RE sections of .BTF.ext in order, records in order, each
    /// applied to the (sub)program holding its instruction. Programs the load does not take (<paramref name="loads"/>) are
    /// skipped, as libbpf skips autoload-off programs; so are programs for which <paramref name="instructionsOf"/> returns null.
    /// </summary>
    /// <param name="obj">The opened object (its BTF must be <see cref="LocalBtf"/>).</param>
    /// <param name="instructionsOf">The instruction copy to patch for each program and subprogram (asked once per program).</param>
    /// <param name="loads">Which functions the load takes (a load's own choice); null: those with AutoLoad on.</param>
    public IReadOnlyList<CoreRelocationResult> RelocateObject(BpfObject obj, Func<BpfProgram, BpfInstruction[]?> instructionsOf, Func<BpfProgram, bool>? loads = null)
    {
        loads ??= p => p.AutoLoad;
        ArgumentNullException.ThrowIfNull(obj);
        ArgumentNullException.ThrowIfNull(instructionsOf);
        var results = new List<CoreRelocationResult>();
        if (obj.BtfExt is not { } ext)
        {
            return results;
        }

        var functions = obj.Programs.Concat(obj.Subprograms).ToList();
        var copies = new Dictionary<BpfProgram, BpfInstruction[]?>();
        foreach (var section in ext.Sections.Values)
        {
            var records = section.CoreRelocations;
            if (records.Count == 0)
            {
                continue;
            }

            _log?.Invoke($"sec '{section.Name}': found {records.Count} CO-RE relocations");
            for (int i = 0; i < records.Count; i++)
            {
                var r = records[i];
                var p = functions.FirstOrDefault(f => ElfSectionName(f) == section.Name
                    && r.InstructionOffset >= f.SectionInstructionOffset && r.InstructionOffset < f.SectionInstructionOffset + f.InstructionCount);
                if (p is null)
                {
                    // Left behind by a __weak function the linker replaced; libbpf ignores these too.
                    _log?.Invoke($"sec '{section.Name}': skipping CO-RE relocation #{i} for insn #{r.InstructionOffset} belonging to eliminated weak subprogram");
                    continue;
                }

                if (!loads(p))
                {
                    continue;
                }

                if (!copies.TryGetValue(p, out var insns))
                {
                    copies[p] = insns = instructionsOf(p);
                }

                if (insns is null)
                {
                    continue;
                }

                var local = r with { InstructionOffset = r.InstructionOffset - p.SectionInstructionOffset };
                results.Add(Apply(p.Name, local, i, r.InstructionOffset, insns));
            }
        }

        return results;
    }

    /// <summary>
    /// Applies one relocation to <paramref name="instructions"/>: the building block of <see cref="Relocate"/>.
    /// </summary>
    /// <param name="programName">Program name, for messages.</param>
    /// <param name="relocation">The record, with a program-relative instruction offset.</param>
    /// <param name="relocationIndex">libbpf's relo #N (index among the section's records), for messages.</param>
    /// <param name="instructions">The program's instructions, patched in place.</param>
    public CoreRelocationResult Apply(string programName, BtfCoreRelocation relocation, int relocationIndex, BpfInstruction[] instructions) =>
        Apply(programName, relocation, relocationIndex, relocation.InstructionOffset, instructions);

    private CoreRelocationResult Apply(string program, BtfCoreRelocation relo, int reloIndex, int sectionInsn, BpfInstruction[] insns)
    {
        ArgumentNullException.ThrowIfNull(program);
        ArgumentNullException.ThrowIfNull(insns);
        string prefix = $"prog '{program}': relo #{reloIndex}: ";
        int insnIndex = relo.InstructionOffset;
        string localTypeName = $"[{relo.TypeId}]";
        try
        {
            if (insnIndex < 0 || insnIndex >= insns.Length)
            {
                throw CoreFailure.Invalid($"instruction #{insnIndex} is outside the program's {insns.Length} instructions");
            }

            var localType = CoreBtf.TypeById(LocalBtf, relo.TypeId);
            localTypeName = CoreFormat.TypeName(localType);

            // libbpf searches candidates (and logs them) before it parses the access string.
            List<CoreCandidate>? candidates = null;
            if (relo.Kind != BtfCoreRelocationKind.TypeIdLocal)
            {
                candidates = _finder.Get(relo.TypeId, _log);
            }

            CoreSpec localSpec;
            try
            {
                localSpec = CoreSpecParser.Parse(LocalBtf, relo.TypeId, relo.AccessString, relo.Kind);
            }
            catch (CoreFailure f)
            {
                throw new CoreFailure(CoreFailure.EINVAL, $"parsing {CoreFormat.Type(localType)} + {relo.AccessString} failed: -{f.Errno} ({f.Message})", f);
            }

            string localSpecText = localSpec.ToString();
            _log?.Invoke(prefix + localSpecText);

            var original = insns[insnIndex];
            var (value, match, matching) = Resolve(localSpec, localType, candidates, prefix, sectionInsn);
            bool poisoned = CoreInstructionPatcher.Patch(insns, insnIndex, value, _log is null ? null : s => _log(prefix + s));

            return new CoreRelocationResult
            {
                Program = program,
                RelocationIndex = reloIndex,
                InstructionIndex = insnIndex,
                Kind = relo.Kind,
                LocalTypeId = relo.TypeId,
                LocalType = localTypeName,
                AccessString = relo.AccessString,
                LocalSpec = localSpecText,
                TargetTypeId = match?.Spec.RootTypeId,
                TargetType = match is { } m ? CoreFormat.TypeName(m.Candidate.Btf[m.Candidate.Id]) : null,
                TargetSpec = match?.Spec.ToString(),
                TargetBtf = match?.Candidate.BtfName,
                MatchingCandidates = matching,
                OriginalValue = value.OriginalValue,
                NewValue = value.NewValue,
                OriginalSize = value.OriginalSize,
                NewSize = value.NewSize,
                Validated = value.Validate,
                Poisoned = poisoned,
                OriginalInstruction = original,
                PatchedInstruction = insns[insnIndex],
            };
        }
        catch (CoreFailure f)
        {
            _log?.Invoke(prefix + f.Message);
            throw new CoreRelocationException(program, reloIndex, insnIndex, relo, localTypeName, f.Message, f.Errno, f);
        }
    }

    /// <summary>
    /// bpf_core_calc_relo_insn: matches every candidate, demands that all matches agree, prunes the shared
    /// candidate list to the matching ones, and falls back to the "not found" result when none matched.
    /// </summary>
    private (CoreRelocationValue Value, (CoreCandidate Candidate, CoreSpec Spec)? Match, int Matching) Resolve(
        CoreSpec localSpec, BtfType localType, List<CoreCandidate>? candidates, string prefix, int sectionInsn)
    {
        if (localSpec.Kind == BtfCoreRelocationKind.TypeIdLocal)
        {
            // The local id needs no target; it may have changed at link time, so it is not validated either.
            var local = new CoreRelocationValue { OriginalValue = localSpec.RootTypeId, NewValue = localSpec.RootTypeId, Validate = false };
            return (local, null, 0);
        }

        if (localType.Name.Length == 0 || candidates is null)
        {
            throw new CoreFailure(CoreFailure.EOPNOTSUPP, $"<{CoreFormat.KindName(localSpec.Kind)}> ({(uint)localSpec.Kind}) relocation doesn't support anonymous types");
        }

        CoreRelocationValue result = default;
        (CoreCandidate Candidate, CoreSpec Spec)? first = null;
        int kept = 0;
        for (int i = 0; i < candidates.Count; i++)
        {
            var cand = candidates[i];
            var candSpec = new CoreSpec(cand.Btf, cand.Id, localSpec.Kind);
            bool matched;
            try
            {
                matched = CoreSpecMatcher.Match(localSpec, candSpec);
            }
            catch (CoreFailure f)
            {
                throw new CoreFailure(f.Errno, $"error matching candidate #{i} {candSpec}: -{f.Errno} ({f.Message})", f);
            }

            // Formatting every candidate's spec is only worth it when someone reads the log.
            if (_log is not null)
            {
                _log($"{prefix}{(matched ? "matching" : "non-matching")} candidate #{i} {candSpec}");
            }

            if (!matched)
            {
                continue;
            }

            var candResult = CoreCalculator.Calculate(localSpec, candSpec, sectionInsn);
            if (first is not { } chosen)
            {
                result = candResult;
                first = (cand, candSpec);
            }
            else if (candSpec.BitOffset != chosen.Spec.BitOffset)
            {
                // All matching flavours must put the field at the same place...
                throw CoreFailure.Invalid($"field offset ambiguity: {candSpec.BitOffset} != {chosen.Spec.BitOffset}");
            }
            else if (candResult.Poison != result.Poison || candResult.NewValue != result.NewValue)
            {
                // ...and produce the same value, or the choice between them would be arbitrary.
                throw CoreFailure.Invalid($"relocation decision ambiguity: {Outcome(candResult)} != {Outcome(result)}");
            }

            candidates[kept++] = cand;
        }

        // Later relocations of the same type only consider the candidates that matched here (libbpf's pruning);
        // when none matched the list stays as it was.
        if (kept > 0)
        {
            candidates.RemoveRange(kept, candidates.Count - kept);
            return (result, first, kept);
        }

        _log?.Invoke(prefix + "no matching targets found");
        return (CoreCalculator.Calculate(localSpec, null, sectionInsn), null, 0);
    }

    private static string Outcome(in CoreRelocationValue v) => $"{(v.Poison ? "failure" : "success")} {v.NewValue}";

    private static string ElfSectionName(BpfProgram p) => p.Object.Elf.Sections[p.SectionIndex].Name;

    /// <summary>libbpf numbers relocations within their ELF section; maps the program's records to those numbers.</summary>
    private static int[] SectionIndices(BpfProgram program)
    {
        var own = program.CoreRelocations;
        var result = new int[own.Count];
        var records = program.Object.BtfExt?[ElfSectionName(program)]?.CoreRelocations;
        int start = program.SectionInstructionOffset, end = start + program.InstructionCount, k = 0;
        if (records is not null)
        {
            for (int i = 0; i < records.Count && k < result.Length; i++)
            {
                if (records[i].InstructionOffset >= start && records[i].InstructionOffset < end)
                {
                    result[k++] = i;
                }
            }
        }

        // Records not found in .BTF.ext (a program assembled by hand) are numbered by position.
        for (; k < result.Length; k++)
        {
            result[k] = k;
        }

        return result;
    }
}
