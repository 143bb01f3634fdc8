namespace PSBpf.Engine.Loader;

/// <summary>
/// A hard CO-RE error found deep in spec parsing, matching or patching. The driver catches it and
/// rethrows a <see cref="CoreRelocationException"/> that names the program and relocation; keeping the
/// errno lets tests and messages line up with libbpf's negative return codes.
/// </summary>
internal sealed class CoreFailure : Exception
{
    public const int EINVAL = 22;
    public const int E2BIG = 7;
    public const int ERANGE = 34;
    public const int EOPNOTSUPP = 95;

    public CoreFailure(int errno, string message, Exception? inner = null) : base(message, inner) => Errno = errno;

    /// <summary>Positive errno (libbpf returns its negation).</summary>
    public int Errno { get; }

    public static CoreFailure Invalid(string message, Exception? inner = null) => new(EINVAL, message, inner);
}
