using Microsoft.Win32.SafeHandles;

namespace PSBpf.Engine.Native;

/// <summary>An owned kernel file descriptor (map, program, BTF, link); closed exactly once.</summary>
public sealed class BpfFd : SafeHandleMinusOneIsInvalid
{
    internal BpfFd(int fd) : base(ownsHandle: true) => SetHandle(fd);

    /// <summary>The descriptor number (valid while the handle is open).</summary>
    public int Value => (int)handle;

    /// <inheritdoc />
    protected override bool ReleaseHandle() => LibC.Close((int)handle) == 0;
}
