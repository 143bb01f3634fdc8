using System.Collections.Specialized;
using System.Diagnostics;

namespace PSBpf.Engine.Tests;

/// <summary>
/// A ring buffer found in the kernel by id (what <c>Get-BpfMap | Receive-BpfRingBuffer</c> does): opened as a kernel map
/// view, its records decode through the BTF the kernel keeps for the map, as they do through the object's own.
/// </summary>
[Collection(KernelCollection.Name)]
public sealed class KernelRingBufferTests
{
    [Fact]
    public void A_ring_buffer_opened_by_id_yields_records_decoded_through_the_kernels_BTF()
    {
        int handles = KernelObjects.BpfHandles();
        using (var obj = BpfObject.Open(Fixtures.Object("bootstrap")))
        {
            obj.Load();
            using var exec = obj.Programs["handle_exec"].Attach();
            using (var kernel = BpfKernelMap.Open(obj.Maps["rb"].Id!.Value))
            {
                var view = kernel.Map;
                Assert.Equal(BpfMapType.ringbuf, view.Type);
                var decoder = Fixtures.BootstrapEvents();
                using var reader = BpfEventReader.Open(view);

                using var child = Process.Start(new ProcessStartInfo("/bin/true") { UseShellExecute = false })!;
                child.WaitForExit();
                OrderedDictionary? seen = null;
                var deadline = DateTime.UtcNow.AddSeconds(10);
                while (seen is null && DateTime.UtcNow < deadline)
                {
                    reader.Read(TimeSpan.FromMilliseconds(200), CancellationToken.None, r =>
                    {
                        var e = (OrderedDictionary)decoder.Decode(r)!;
                        if (Convert.ToInt32(e["pid"]) == child.Id) seen = e;
                    });
                }

                Assert.NotNull(seen);
                Assert.Equal("/bin/true", seen["filename"]);
            }
        }

        Assert.Equal(handles, KernelObjects.BpfHandles());
    }
}
