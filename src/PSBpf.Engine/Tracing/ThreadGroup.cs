using System.Globalization;

namespace PSBpf.Engine;

/// <summary>Which process a thread belongs to: trace lines carry the thread id, while users filter by process id ($PID).</summary>
public static class ThreadGroup
{
    /// <summary>The process id (Tgid in /proc/&lt;tid&gt;/status) of thread <paramref name="threadId"/>, or null when it has exited.</summary>
    public static int? Of(int threadId)
    {
        if (threadId <= 0) return threadId == 0 ? 0 : null; // the idle task
        try
        {
            foreach (var line in File.ReadLines($"/proc/{threadId.ToString(CultureInfo.InvariantCulture)}/status"))
            {
                if (line.StartsWith("Tgid:", StringComparison.Ordinal))
                {
                    return int.TryParse(line.AsSpan(5).Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var tgid) ? tgid : null;
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // gone
        }

        return null;
    }
}
