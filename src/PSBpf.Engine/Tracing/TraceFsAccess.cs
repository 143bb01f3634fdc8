namespace PSBpf.Engine;

/// <summary>
/// tracefs is root's alone (mode 700) unless mounted otherwise; File.Exists answers false for a path a user may not look
/// into, which must not read as "tracefs is not mounted".
/// </summary>
internal static class TraceFsAccess
{
    /// <summary>True when <paramref name="directory"/> exists but this user may not list it.</summary>
    public static bool IsClosed(string? directory)
    {
        if (directory is null || !Directory.Exists(directory)) return false;
        try
        {
            _ = Directory.EnumerateFileSystemEntries(directory).Any();
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return true;
        }
    }

    /// <summary>The refusal for <paramref name="subject"/>, whose file lies under the closed <paramref name="directory"/>.</summary>
    public static UnauthorizedAccessException Refusal(string subject, string directory) =>
        new($"{subject}: {directory} cannot be read by this user (tracefs is root's alone unless its mode says otherwise)");
}
