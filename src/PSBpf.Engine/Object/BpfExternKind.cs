namespace PSBpf.Engine;

/// <summary>Kind of extern symbol.</summary>
public enum BpfExternKind
{
    /// <summary>A __kconfig extern, filled from the kernel configuration into the .kconfig map.</summary>
    Kconfig,
    /// <summary>A __ksym extern: kernel variable (typed or typeless) or kfunc.</summary>
    Ksym,
}
