using System.Diagnostics;
using PSBpf.Engine.Native;

namespace PSBpf.Engine;

/// <summary>
/// bpftop's measurement: turns run-time statistics on (<see cref="BpfRunTimeStats"/>), reads a baseline of run_cnt and
/// run_time_ns for the chosen programs, and on each <see cref="Sample"/> reports what each program did since the
/// previous read. Programs are opened by id for each read and closed again, so sampling never keeps a program alive
/// that its owner released; a program that is gone drops out of the samples. Disposing it turns statistics off again
/// (unless someone else holds them).
/// </summary>
public sealed class BpfProgramSampler : IDisposable
{
    private readonly BpfRunTimeStats? _stats;
    private readonly Dictionary<uint, Reading> _last = [];
    private readonly List<uint> _ids;
    private readonly List<uint> _gone = [];
    private long _lastTimestamp;
    private int _sample;

    private BpfProgramSampler(BpfRunTimeStats? stats, List<uint> ids)
    {
        _stats = stats;
        _ids = ids;
    }

    /// <summary>Turns statistics on and reads the baseline of <paramref name="programIds"/>.</summary>
    /// <param name="programIds">Kernel program ids; ids no program has are left out (see <see cref="Gone"/>).</param>
    /// <param name="enableStats">Hold BPF_ENABLE_STATS while sampling; false when the caller keeps statistics on itself.</param>
    /// <exception cref="BpfSyscallException">BPF_ENABLE_STATS was refused (EPERM: needs CAP_SYS_ADMIN).</exception>
    public static BpfProgramSampler Start(IEnumerable<uint> programIds, bool enableStats = true)
    {
        ArgumentNullException.ThrowIfNull(programIds);
        var ids = programIds.Distinct().ToList();
        // statistics first: a run between the baseline and turning them on would not be counted anywhere
        var stats = enableStats ? BpfRunTimeStats.Enable() : null;
        var sampler = new BpfProgramSampler(stats, ids);
        try
        {
            sampler._lastTimestamp = Stopwatch.GetTimestamp();
            foreach (var id in ids)
            {
                if (Read(id) is { } r) sampler._last[id] = r;
                else sampler._gone.Add(id);
            }

            sampler._ids.RemoveAll(sampler._gone.Contains);
            return sampler;
        }
        catch
        {
            sampler.Dispose();
            throw;
        }
    }

    /// <summary>The programs still sampled, in the order given.</summary>
    public IReadOnlyList<uint> ProgramIds => _ids;

    /// <summary>Programs that were not there at the start or were unloaded while sampling.</summary>
    public IReadOnlyList<uint> Gone => _gone;

    /// <summary>True while this sampler holds statistics on.</summary>
    public bool HoldsStats => _stats is { IsEnabled: true };

    /// <summary>What each program did since the previous read (or the baseline): one sample per program still loaded.</summary>
    public IReadOnlyList<BpfProgramSample> Sample()
    {
        ObjectDisposedException.ThrowIf(_stats is { IsEnabled: false }, this);
        long now = Stopwatch.GetTimestamp();
        var elapsed = Stopwatch.GetElapsedTime(_lastTimestamp, now);
        _lastTimestamp = now;
        _sample++;
        var at = DateTime.Now;
        double seconds = elapsed.TotalSeconds;
        var result = new List<BpfProgramSample>(_ids.Count);
        foreach (var id in _ids.ToArray())
        {
            if (Read(id) is not { } r)
            {
                _ids.Remove(id);
                _gone.Add(id);
                _last.Remove(id);
                continue;
            }

            var before = _last[id];
            _last[id] = r;
            // the kernel's counters only grow; a smaller value would mean a new program under a reused id
            ulong runs = r.RunCount >= before.RunCount ? r.RunCount - before.RunCount : r.RunCount;
            ulong ns = r.RunTimeNs >= before.RunTimeNs ? r.RunTimeNs - before.RunTimeNs : r.RunTimeNs;
            ulong misses = r.RecursionMisses >= before.RecursionMisses ? r.RecursionMisses - before.RecursionMisses : r.RecursionMisses;
            result.Add(new BpfProgramSample
            {
                Sample = _sample,
                Timestamp = at,
                Id = id,
                Name = r.Name,
                Type = r.Type,
                Interval = elapsed,
                RunCount = runs,
                RunTimeNs = ns,
                RunsPerSecond = seconds > 0 ? runs / seconds : 0,
                AverageNs = runs == 0 ? null : (double)ns / runs,
                CpuPercent = seconds > 0 ? ns / (seconds * 1e9) * 100 : 0,
                TotalRunCount = r.RunCount,
                TotalRunTimeNs = r.RunTimeNs,
                RecursionMisses = misses,
            });
        }

        return result;
    }

    /// <summary>Turns statistics off again (this holder's share of them).</summary>
    public void Dispose() => _stats?.Dispose();

    private static Reading? Read(uint id)
    {
        using var fd = Bpf.GetFdById(BpfCommand.ProgGetFdById, id);
        if (fd is null) return null;
        var info = Bpf.ProgGetInfo(fd);
        return new Reading(NameOf(info), (BpfProgramType)info.type, info.run_cnt, info.run_time_ns, info.recursion_misses);
    }

    private static unsafe string NameOf(ProgInfo info) => NativeText.CString(info.name, 16);

    private readonly record struct Reading(string Name, BpfProgramType Type, ulong RunCount, ulong RunTimeNs, ulong RecursionMisses);
}
