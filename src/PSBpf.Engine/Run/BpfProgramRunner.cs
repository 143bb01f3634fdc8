using System.Buffers.Binary;
using System.Collections;
using System.Collections.Specialized;
using System.Globalization;
using PSBpf.Engine.Btf;
using PSBpf.Engine.Loader;
using PSBpf.Engine.Native;

namespace PSBpf.Engine;

/// <summary>
/// Runs a loaded program once or <see cref="BpfRunOptions.Repeat"/> times in the kernel (BPF_PROG_TEST_RUN) on the
/// caller's packet and context, with the kernel's rules per program type checked first so a wrong input is named.
/// </summary>
internal static unsafe class BpfProgramRunner
{
    private const int MinDataOut = 64 * 1024;
    private const int DataOutRoom = 4096;
    private const uint OnCpuFlag = 1; // BPF_F_TEST_RUN_ON_CPU

    /// <summary>The program identity a run reports, and where a syscall program's context type comes from.</summary>
    public readonly record struct Target(BpfFd Fd, uint Id, string Name, BpfProgramType Type, (BtfSpec Btf, uint TypeId)? ArgumentType);

    public static BpfRunResult Run(Target target, BpfRunOptions options, BtfValueFactory? factory)
    {
        ArgumentNullException.ThrowIfNull(options);
        var rules = BpfRunContext.Of(target.Type);
        string what = $"program '{target.Name}' ({target.Type})";
        Check(target, rules, options, what);

        var ctxType = rules.ArgumentContext ? null
            : rules.ContextType(rules.KernelContextType is null ? null : KernelBtf.Get(BpfLoadOptions.RunningKernelBtf), target.ArgumentType);
        byte[]? ctxIn = EncodeContext(target, rules, options, ctxType);
        bool ctxOut = rules.ContextComesBack && !rules.ContextWrittenBack
            && (ctxIn is not null || !rules.ContextOnlyWhenGiven) && (ctxType is not null || ctxIn is not null);
        byte[]? ctxOutBuffer = ctxOut ? new byte[Math.Max(ctxIn?.Length ?? 0, ctxType is { } ct ? (int)ct.Btf.SizeOf(ct.TypeId) : 0)] : null;

        byte[]? data = options.Data;
        byte[]? dataOut = data is null ? null : new byte[options.DataOutSize ?? Math.Max(MinDataOut, data.Length + DataOutRoom)];

        fixed (byte* din = data, dout = dataOut, cin = ctxIn, cout = ctxOutBuffer)
        {
            var attr = new ProgTestRunAttr
            {
                prog_fd = (uint)target.Fd.Value,
                data_in = (ulong)din,
                data_size_in = (uint)(data?.Length ?? 0),
                data_out = (ulong)dout,
                data_size_out = (uint)(dataOut?.Length ?? 0),
                ctx_in = (ulong)cin,
                ctx_size_in = (uint)(ctxIn?.Length ?? 0),
                ctx_out = (ulong)cout,
                ctx_size_out = (uint)(ctxOutBuffer?.Length ?? 0),
                repeat = rules.RunsOnce ? 0 : options.Repeat,
                flags = options.Cpu is null ? 0 : OnCpuFlag,
                cpu = options.Cpu ?? 0,
            };
            int r = Bpf.TryProgTestRun(ref attr);

            if (r == -Errno.ENOSPC && dataOut is not null && attr.data_size_out > dataOut.Length)
            {
                throw new BpfRunInputException(what, $"made an output packet of {attr.data_size_out} bytes, more than the {dataOut.Length} kept for it (DataOutSize)");
            }

            if (r < 0) throw Bpf.ProgTestRunError(-r, $"BPF_PROG_TEST_RUN of {what}");

            object? context = rules.ContextWrittenBack ? Decode(ctxType, ctxIn, ctxIn?.Length ?? 0, factory)
                : ctxOutBuffer is not null ? Decode(ctxType, ctxOutBuffer, (int)Math.Min(attr.ctx_size_out, (uint)ctxOutBuffer.Length), factory)
                : rules.OutputDataIsContext ? Decode(ctxType, dataOut, (int)Math.Min(attr.data_size_out, (uint)(dataOut?.Length ?? 0)), factory)
                : null;
            return new BpfRunResult
            {
                ProgramId = target.Id,
                ProgramName = target.Name,
                ProgramType = target.Type,
                ReturnValue = attr.retval,
                Action = BpfReturnActions.Name(target.Type, attr.retval),
                Data = dataOut?[..(int)Math.Min(attr.data_size_out, (uint)dataOut.Length)],
                Context = context,
                Repeat = rules.RunsOnce ? 1 : Math.Max(options.Repeat, 1),
                DurationNs = attr.duration,
            };
        }
    }

    private static void Check(Target target, BpfRunContext rules, BpfRunOptions o, string what)
    {
        if (rules.TakesData && o.Data is not { Length: > 0 })
            throw new BpfRunInputException(what, "runs on a packet: give its bytes (Data)");
        if (!rules.TakesData && o.Data is not null)
            throw new BpfRunInputException(what, "takes no packet, only a context");
        if (rules.RunsOnce && o.Repeat > 1)
            throw new BpfRunInputException(what, $"runs once per call: the kernel takes no repeat count for {target.Type} programs");
        if (o.Cpu is not null && !rules.ArgumentContext)
            throw new BpfRunInputException(what, "cannot run on a chosen CPU: only raw_tp programs can");
        if (target.Type == BpfProgramType.sk_lookup && o.Context is null)
            throw new BpfRunInputException(what, "needs a context (struct bpf_sk_lookup: family, protocol, addresses and ports)");
    }

    private static byte[]? EncodeContext(Target target, BpfRunContext rules, BpfRunOptions o, (BtfSpec Btf, uint TypeId)? type)
    {
        switch (o.Context)
        {
            case null:
                return null;
            case byte[] raw:
                return raw.Length == 0 ? null : (byte[])raw.Clone();
            case IDictionary record when type is { } t:
                var bytes = new byte[t.Btf.SizeOf(t.TypeId)];
                BtfValueCodec.Encode(t.Btf, t.TypeId, DescribePacket(target, record, o), bytes, "Context");
                return bytes;
            case IDictionary:
                throw new BpfValueException("Context", $"{target.Type} programs have no context type to encode a record through; give the context's bytes");
            case IEnumerable args when rules.ArgumentContext && o.Context is not string:
                return Arguments(args);
            default:
                throw new BpfValueException("Context", $"a {o.Context.GetType().Name} is no context for {target.Type} programs: give bytes{(rules.ArgumentContext ? " or the arguments as numbers" : type is null ? string.Empty : " or a record of its fields")}");
        }
    }

    /// <summary>An xdp_md that does not say where the packet ends gets the packet's size, as the kernel demands.</summary>
    private static IDictionary DescribePacket(Target target, IDictionary record, BpfRunOptions o)
    {
        if (target.Type != BpfProgramType.xdp || record.Contains("data_end")) return record;
        var copy = new OrderedDictionary(StringComparer.Ordinal);
        foreach (DictionaryEntry e in record) copy[e.Key] = e.Value;
        copy["data_end"] = (uint)(o.Data?.Length ?? 0);
        return copy;
    }

    /// <summary>raw_tp arguments: one u64 each, as the program reads them from its context.</summary>
    private static byte[] Arguments(IEnumerable args)
    {
        var list = args.Cast<object?>().ToList();
        var bytes = new byte[list.Count * 8];
        for (int i = 0; i < list.Count; i++)
        {
            ulong v = list[i] switch
            {
                sbyte or short or int or long => unchecked((ulong)Convert.ToInt64(list[i], CultureInfo.InvariantCulture)),
                byte or ushort or uint or ulong => Convert.ToUInt64(list[i], CultureInfo.InvariantCulture),
                _ => throw new BpfValueException($"Context[{i}]", $"a raw_tp argument is an integer (u64), not {list[i]?.GetType().Name ?? "null"}"),
            };
            BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(i * 8), v);
        }

        return bytes;
    }

    private static object? Decode((BtfSpec Btf, uint TypeId)? type, byte[]? bytes, int length, BtfValueFactory? factory)
    {
        if (bytes is null) return null;
        if (type is not { } t || length < t.Btf.SizeOf(t.TypeId)) return bytes[..length];
        return BtfValueCodec.Decode(t.Btf, t.TypeId, bytes.AsSpan(0, length), factory ?? BtfValueFactory.Default);
    }
}
