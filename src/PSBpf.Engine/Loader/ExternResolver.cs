using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using PSBpf.Engine.Btf;

namespace PSBpf.Engine.Loader;

/// <summary>
/// Gives every extern its value, as libbpf's bpf_object__resolve_externs: .kconfig from the kernel config and the
/// virtual LINUX_* values, typeless .ksyms from kallsyms, typed .ksyms and kfuncs from the kernel's BTF.
/// Unresolved strong externs fail the load; weak ones become zero.
/// </summary>
internal sealed class ExternResolver
{
    /// <summary>libbpf's poison for an unresolved weak kfunc call (POISON_CALL_KFUNC_BASE + extern index).</summary>
    public const int PoisonKfuncCallBase = 2002000000;
    private readonly LoadPlan _plan;
    private readonly BpfObject _obj;
    private readonly BpfLoadOptions _options;
    private readonly KernelModuleBtfs? _modules;

    public ExternResolver(LoadPlan plan, KernelModuleBtfs? modules = null)
    {
        _plan = plan;
        _obj = plan.Object;
        _options = plan.Options;
        _modules = modules;
    }

    public ExternValues Resolve()
    {
        var values = new ExternValues();
        CheckUnresolvedAreUnused();
        ResolveKconfig();
        var ksyms = _obj.Externs.Where(e => e.Kind == BpfExternKind.Ksym).ToList();
        if (ksyms.Count == 0) return values;

        var typeless = ksyms.Where(e => !e.IsFunction && e.TypeId == 0).ToList();
        var addresses = Kallsyms.Lookup(typeless.Select(e => e.EssentialName).ToList());
        foreach (var e in typeless)
        {
            if (addresses.TryGetValue(e.EssentialName, out var a)) values.Addresses[e.Name] = a;
            else if (!e.IsWeak) throw new BpfLoadException($"extern '{e.Name}'", "no such kernel symbol in /proc/kallsyms (declare it __weak to make it optional)");
        }

        var typed = ksyms.Where(e => e.IsFunction || e.TypeId != 0).ToList();
        if (typed.Count == 0) return values;
        var kernel = KernelBtf.Get(_options.KernelBtfPath);
        foreach (var e in typed)
        {
            var kind = e.IsFunction ? BtfKind.Func : BtfKind.Var;
            var t = kernel.FindByName(e.EssentialName, kind);
            if (t is null && _modules?.Find(e.EssentialName, kind) is var (module, type))
            {
                // as libbpf's find_ksym_btf_id: vmlinux first, then each module's own types
                values.KernelBtfIds[e.Name] = type.Id;
                values.Modules[e.Name] = module;
                continue;
            }

            if (t is null)
            {
                if (!e.IsWeak) throw new BpfLoadException($"extern '{e.Name}'", $"no {(e.IsFunction ? "kfunc" : "variable")} '{e.EssentialName}' in the kernel BTF ({_options.KernelBtfPath}{(_modules is null ? string.Empty : " or its modules'")})");
                continue;
            }

            values.KernelBtfIds[e.Name] = t.Id;
        }

        return values;
    }

    private void CheckUnresolvedAreUnused()
    {
        foreach (var p in _obj.Programs.Concat(_obj.Subprograms))
        {
            foreach (var r in p.Relocations)
            {
                if (r.ExternName is { } n && _obj.Externs[n].Kind == BpfExternKind.Unresolved && (p.IsSubprogram || _plan.Loads(p)))
                {
                    throw new BpfLoadException($"program '{p.Name}'", $"uses '{n}', which is declared but not defined anywhere (not a __kconfig or __ksym extern, and no object linked in defines it)");
                }
            }
        }
    }

    private void ResolveKconfig()
    {
        // the plan's copy of the .kconfig image: the opened object keeps its zeros
        var map = _plan.Maps.FirstOrDefault(m => m.Spec.Origin == BpfMapOrigin.Kconfig);
        if (map is null) return;
        var data = map.InitialData!;
        Array.Clear(data);
        IReadOnlyDictionary<string, string>? config = null;
        foreach (var e in _obj.Externs.Where(e => e.Kind == BpfExternKind.Kconfig))
        {
            var slot = data.AsSpan(e.DataOffset, e.Size);
            if (e.Name.StartsWith("CONFIG_", StringComparison.Ordinal))
            {
                config ??= KernelConfig.Values ?? throw new BpfLoadException($"extern '{e.Name}'", $"the kernel configuration is not available ({KernelConfig.Source})");
                if (config.TryGetValue(e.Name, out var raw)) SetValue(e, slot, raw);
                else if (!e.IsWeak) throw new BpfLoadException($"extern '{e.Name}'", $"not set in {KernelConfig.Source} (declare it __weak to default to 0)");
                continue;
            }

            switch (e.Name)
            {
                case "LINUX_KERNEL_VERSION": SetNumber(e, slot, KernelInfo.Version); break;
                case "LINUX_HAS_BPF_COOKIE": SetNumber(e, slot, 1); break; // every kernel with BTF-enabled BPF links has cookies (5.15+)
                case "LINUX_HAS_SYSCALL_WRAPPER": SetNumber(e, slot, SyscallWrapper.KernelHasWrappers ? 1u : 0u); break;
                default:
                    if (!e.IsWeak) throw new BpfLoadException($"extern '{e.Name}'", "unknown virtual kconfig extern (only CONFIG_*, LINUX_KERNEL_VERSION, LINUX_HAS_BPF_COOKIE, LINUX_HAS_SYSCALL_WRAPPER)");
                    break;
            }
        }
    }

    private static void SetValue(BpfExtern e, Span<byte> slot, string raw)
    {
        string where = $"extern (kconfig) '{e.Name}'";
        switch (raw[0])
        {
            case 'y' or 'n' or 'm':
                switch (e.KconfigType)
                {
                    case BpfKconfigType.Bool when raw[0] != 'm': slot[0] = raw[0] == 'y' ? (byte)1 : (byte)0; return;
                    case BpfKconfigType.Tristate: BinaryPrimitives.WriteInt32LittleEndian(slot, raw[0] == 'y' ? 1 : raw[0] == 'm' ? 2 : 0); return;
                    case BpfKconfigType.Char: slot[0] = (byte)raw[0]; return;
                    default: throw new BpfLoadException(where, $"value '{raw[0]}' implies a bool, tristate or char extern, not {e.KconfigType}");
                }

            case '"':
                if (e.KconfigType != BpfKconfigType.CharArray) throw new BpfLoadException(where, $"value {raw} implies a char array extern");
                if (raw.Length < 2 || raw[^1] != '"') throw new BpfLoadException(where, $"invalid string value {raw}");
                var bytes = Encoding.UTF8.GetBytes(raw[1..^1]);
                int n = Math.Min(bytes.Length, e.Size - 1); // libbpf truncates long strings, keeping the NUL
                bytes.AsSpan(0, n).CopyTo(slot);
                slot[n] = 0;
                return;
            default:
                ulong v = 0;
                bool ok;
                if (raw.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
                {
                    ok = ulong.TryParse(raw.AsSpan(2), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out v);
                }
                else if (raw.StartsWith('-'))
                {
                    ok = long.TryParse(raw, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var sv);
                    v = (ulong)sv; // strtoull semantics: negative numbers wrap
                }
                else
                {
                    ok = ulong.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out v);
                }

                if (!ok) throw new BpfLoadException(where, $"value '{raw}' isn't a valid integer");
                if (e.KconfigType is not (BpfKconfigType.Int or BpfKconfigType.Char)) throw new BpfLoadException(where, $"value '{raw}' implies an integer extern");
                SetNumber(e, slot, v);
                return;
        }
    }

    private static void SetNumber(BpfExtern e, Span<byte> slot, ulong v)
    {
        string where = $"extern (kconfig) '{e.Name}'";
        if (e.KconfigType is not (BpfKconfigType.Int or BpfKconfigType.Char or BpfKconfigType.Bool)) throw new BpfLoadException(where, $"a number cannot be stored in a {e.KconfigType} extern");
        if (e.KconfigType == BpfKconfigType.Bool && v > 1) throw new BpfLoadException(where, $"value {v} isn't boolean compatible");
        int bits = e.Size * 8;
        bool fits = e.Size == 8 || (e.IsSigned ? v + (1UL << (bits - 1)) < (1UL << bits) : v >> bits == 0);
        if (!fits) throw new BpfLoadException(where, $"value {v} doesn't fit in {e.Size} bytes");
        switch (e.Size)
        {
            case 1: slot[0] = (byte)v; break;
            case 2: BinaryPrimitives.WriteUInt16LittleEndian(slot, (ushort)v); break;
            case 4: BinaryPrimitives.WriteUInt32LittleEndian(slot, (uint)v); break;
            case 8: BinaryPrimitives.WriteUInt64LittleEndian(slot, v); break;
        }
    }
}
