namespace PSBpf.Engine.Tests;

/// <summary>
/// A network namespace of its own with a veth pair: <see cref="Host"/> here (10.250.N.1), the peer inside the
/// namespace (10.250.N.2). Deleting the host end deletes the peer; the namespace goes last.
/// </summary>
internal sealed class VethPair : IDisposable
{
    private static int _next = Random.Shared.Next(1, 200);

    public VethPair()
    {
        int n = Interlocked.Increment(ref _next) % 250 + 1;
        string tag = $"{Environment.ProcessId % 10000}x{n}";
        Namespace = "psbpf-" + tag;
        Host = "pbh" + tag;
        string peer = Peer = "pbp" + tag;
        HostAddress = $"10.250.{n}.1";
        PeerAddress = $"10.250.{n}.2";
        try
        {
            Sh.Run("ip", "netns", "add", Namespace);
            Sh.Run("ip", "link", "add", Host, "type", "veth", "peer", "name", peer, "netns", Namespace);
            Sh.Run("ip", "addr", "add", HostAddress + "/30", "dev", Host);
            Sh.Run("ip", "link", "set", Host, "up");
            Sh.Run("ip", "-n", Namespace, "addr", "add", PeerAddress + "/30", "dev", peer);
            Sh.Run("ip", "-n", Namespace, "link", "set", peer, "up");
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public string Namespace { get; }
    public string Host { get; }
    /// <summary>The end inside <see cref="Namespace"/>.</summary>
    public string Peer { get; }
    public string HostAddress { get; }
    public string PeerAddress { get; }

    /// <summary>UDP datagrams from inside the namespace to the host end: they arrive on <see cref="Host"/> (ingress).</summary>
    public void SendFromPeer(int count) =>
        Sh.Run("ip", "netns", "exec", Namespace, "bash", "-c", $"for i in $(seq {count}); do echo psbpf > /dev/udp/{HostAddress}/9; done");

    /// <summary>UDP datagrams from here to the peer: they leave through <see cref="Host"/> (egress).</summary>
    public void SendToPeer(int count) => Sh.Bash($"for i in $(seq {count}); do echo psbpf > /dev/udp/{PeerAddress}/9; done");

    public void Dispose()
    {
        try { Sh.Run("ip", "link", "del", Host); } catch (InvalidOperationException) { /* never created */ }
        try { Sh.Run("ip", "netns", "del", Namespace); } catch (InvalidOperationException) { /* never created */ }
    }
}
