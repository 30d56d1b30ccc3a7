using Broker.Core.Connections;

namespace Broker.Core.Tests.Connections;

public sealed class PooledFrameWriterTests
{
    [Fact]
    public void Detach_AfterGrowingWrites_ReturnsEverythingWrittenAndResets()
    {
        var writer = new PooledFrameWriter();
        var expected = Enumerable.Range(0, 5000).Select(i => (byte)i).ToArray();

        for (var offset = 0; offset < expected.Length; offset += 100)
        {
            expected.AsSpan(offset, 100).CopyTo(writer.GetSpan(100));
            writer.Advance(100);
        }
        var frame = writer.Detach();
        var next = writer.Detach();

        Assert.Equal(expected, frame.Bytes.ToArray());
        Assert.Equal(0, next.Bytes.Length);
        frame.Release();
    }
}
