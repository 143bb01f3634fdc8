namespace PSBpf.Engine;

/// <summary>Kind of extern symbol.</summary>
// 64-bit so that PowerShell's ConvertTo-Json writes the name, not the number (see docs/json-examples.md).
public enum BpfExternKind : ulong
{
    /// <summary>A __kconfig extern, filled from the kernel configuration into the .kconfig map.</summary>
    Kconfig,
    /// <summary>A __ksym extern: kernel variable (typed or typeless) or kfunc.</summary>
    Ksym,
    /// <summary>
    /// Declared but defined nowhere the loader can look: a forward-declared function, a symbol for another object
    /// to provide at static-link time, or an inline-asm constant without BTF. Opening succeeds; loading a program that uses it fails.
    /// </summary>
    Unresolved,
}
