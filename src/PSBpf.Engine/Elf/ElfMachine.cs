namespace PSBpf.Engine.Elf;

/// <summary>ELF e_machine values the project cares about (others keep their number).</summary>
public enum ElfMachine : ushort
{
    /// <summary>No machine.</summary>
    None = 0,
    /// <summary>Intel 80386.</summary>
    I386 = 3,
    /// <summary>ARM 32-bit.</summary>
    Arm = 40,
    /// <summary>AMD x86-64.</summary>
    X86_64 = 62,
    /// <summary>ARM 64-bit.</summary>
    AArch64 = 183,
    /// <summary>RISC-V.</summary>
    RiscV = 243,
    /// <summary>Linux BPF.</summary>
    Bpf = 247,
    /// <summary>IBM S/390.</summary>
    S390 = 22,
    /// <summary>PowerPC 64-bit.</summary>
    PowerPC64 = 21,
    /// <summary>LoongArch.</summary>
    LoongArch = 258,
}
