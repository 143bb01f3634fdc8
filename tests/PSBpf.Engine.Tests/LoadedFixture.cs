namespace PSBpf.Engine.Tests;

/// <summary>
/// A fixture object loaded with its maps pinned under a fresh directory in /sys/fs/bpf, for test classes that share one
/// loaded object per test; Dispose unpins, closes and removes the directory so nothing is left in the kernel.
/// </summary>
internal sealed class LoadedFixture : IDisposable
{
    /// <param name="fixture">Fixture name, e.g. "maps".</param>
    /// <param name="pinPrefix">Start of the pin directory's name (a random suffix keeps parallel runs apart).</param>
    /// <param name="suffixLength">Hex digits of that suffix.</param>
    public LoadedFixture(string fixture, string pinPrefix, int suffixLength = 8)
    {
        PinRoot = Path.Combine("/sys/fs/bpf", pinPrefix + Guid.NewGuid().ToString("N")[..suffixLength]);
        Directory.CreateDirectory(PinRoot);
        Object = BpfObject.Open(Fixtures.Object(fixture));
        Object.Load(new BpfLoadOptions { PinRoot = PinRoot });
    }

    /// <summary>The pin directory.</summary>
    public string PinRoot { get; }

    /// <summary>The loaded object.</summary>
    public BpfObject Object { get; }

    public void Dispose()
    {
        Object.Unpin();
        Object.Dispose();
        foreach (var f in Directory.EnumerateFiles(PinRoot)) File.Delete(f);
        Directory.Delete(PinRoot);
    }
}
