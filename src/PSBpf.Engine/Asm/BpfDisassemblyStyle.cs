namespace PSBpf.Engine.Asm;

/// <summary>Which textual syntax the disassembler writes.</summary>
public enum BpfDisassemblyStyle
{
    /// <summary>llvm-objdump's syntax: <c>r1 = *(u64 *)(r1 + 0)</c>, <c>if r1 != r2 goto +3</c>, <c>call 6</c>, <c>r1 = 0 ll</c>.</summary>
    Llvm,
    /// <summary>bpftool's (the kernel verifier's) syntax: <c>(85) call bpf_trace_printk#6</c>, <c>(18) r1 = map[id:12]</c>.</summary>
    Bpftool,
}
