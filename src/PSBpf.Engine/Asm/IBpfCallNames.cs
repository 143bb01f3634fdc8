namespace PSBpf.Engine.Asm;

/// <summary>Names bpftool's syntax gives calls; supplied by the disassembly context (kernel BTF, kallsyms, jited symbols).</summary>
internal interface IBpfCallNames
{
    /// <summary>Text after "call " and before "#imm" for helper and kfunc calls.</summary>
    string Call(BpfInstruction call);

    /// <summary>Text after "call pc" for bpf-to-bpf calls (e.g. "+5" or "+5#bpf_prog_tag_name").</summary>
    string PseudoCall(BpfInstruction call);
}
