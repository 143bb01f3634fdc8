using System.Runtime.InteropServices;

namespace PSBpf.Engine.Native;

/// <summary>An mmap()ed region of a map (global data); unmapped exactly once.</summary>
internal sealed class MappedRegion : SafeHandle
{
    private MappedRegion(nint address, nuint length, bool writable) : base(LibC.MapFailed, ownsHandle: true)
    {
        SetHandle(address);
        Length = length;
        Writable = writable;
    }

    public nuint Length { get; }
    public bool Writable { get; }
    public override bool IsInvalid => handle == LibC.MapFailed || handle == 0;
    public nint Address => handle;

    public static MappedRegion Map(BpfFd fd, nuint length, bool writable, string what, long offset = 0)
    {
        int prot = LibC.ProtRead | (writable ? LibC.ProtWrite : 0);
        var addr = LibC.Mmap(0, length, prot, LibC.MapShared, fd.Value, offset);
        if (addr == LibC.MapFailed)
        {
            throw new BpfSyscallException(BpfSystemCall.Mmap, $"mmap of {what}", Marshal.GetLastPInvokeError());
        }

        return new MappedRegion(addr, length, writable);
    }

    protected override bool ReleaseHandle() => LibC.Munmap(handle, Length) == 0;
}
