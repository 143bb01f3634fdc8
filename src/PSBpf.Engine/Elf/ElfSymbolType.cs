namespace PSBpf.Engine.Elf;

/// <summary>ELF symbol type (low nibble of st_info).</summary>
public enum ElfSymbolType : byte
{
    /// <summary>STT_NOTYPE.</summary>
    NoType = 0,
    /// <summary>STT_OBJECT.</summary>
    Object = 1,
    /// <summary>STT_FUNC.</summary>
    Func = 2,
    /// <summary>STT_SECTION.</summary>
    Section = 3,
    /// <summary>STT_FILE.</summary>
    File = 4,
    /// <summary>STT_COMMON.</summary>
    Common = 5,
    /// <summary>STT_TLS.</summary>
    Tls = 6,
    /// <summary>STT_GNU_IFUNC.</summary>
    GnuIFunc = 10,
}
