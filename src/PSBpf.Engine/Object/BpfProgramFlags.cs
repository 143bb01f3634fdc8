namespace PSBpf.Engine;

/// <summary>BPF_PROG_LOAD prog_flags bits used by section definitions.</summary>
public static class BpfProgramFlags
{
    /// <summary>BPF_F_STRICT_ALIGNMENT.</summary>
    public const uint StrictAlignment = 1u << 0;
    /// <summary>BPF_F_ANY_ALIGNMENT.</summary>
    public const uint AnyAlignment = 1u << 1;
    /// <summary>BPF_F_TEST_RND_HI32.</summary>
    public const uint TestRandomHigh32 = 1u << 2;
    /// <summary>BPF_F_TEST_STATE_FREQ.</summary>
    public const uint TestStateFrequency = 1u << 3;
    /// <summary>BPF_F_SLEEPABLE.</summary>
    public const uint Sleepable = 1u << 4;
    /// <summary>BPF_F_XDP_HAS_FRAGS.</summary>
    public const uint XdpHasFrags = 1u << 5;
}
