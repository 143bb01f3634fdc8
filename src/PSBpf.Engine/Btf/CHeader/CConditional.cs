namespace PSBpf.Engine.Btf.CHeader;

/// <summary>One open #if group: whether its current branch is read, whether a branch was taken, whether the group is itself read.</summary>
internal sealed class CConditional(bool active, bool taken, bool parentActive, CLocation location)
{
    public bool Active { get; set; } = active;
    public bool Taken { get; set; } = taken;
    public bool ParentActive { get; } = parentActive;
    public CLocation Location { get; } = location;
    public bool SeenElse { get; set; }
}
