using System.Text;
using Broker.Core.Backplane;
using Broker.Testing;

namespace Broker.Core.Tests.Backplane;

public class InMemoryHistoryTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task ReadHistoryAsync_MorePublishesThanSize_KeepsTheLastSizeInOrder()
    {
        await using var backplane = await StartAsync(new RecordingSink(), size: 5, TimeSpan.FromHours(1));
        for (var i = 1; i <= 12; i++)
            await backplane.PublishAsync("t", Bytes($"m{i}"));

        var all = await backplane.ReadHistoryAsync("t", null, 100);
        var lastTwo = await backplane.ReadHistoryAsync("t", null, 2);
        var after = await backplane.ReadHistoryAsync("t", 9, 100);
        var trimmed = await backplane.ReadHistoryAsync("t", 2, 100);

        Assert.Equal([8L, 9, 10, 11, 12], all.Messages.Select(m => m.Offset));
        Assert.Equal("m12", Encoding.UTF8.GetString(all.Messages[^1].Data.Span));
        Assert.Equal([11L, 12], lastTwo.Messages.Select(m => m.Offset));
        Assert.Equal([10L, 11, 12], after.Messages.Select(m => m.Offset));
        Assert.False(trimmed.IsWholeAfter(2));
        Assert.True(after.IsWholeAfter(9));
        Assert.Equal(12, all.Position.Offset);
    }

    [Fact]
    public async Task PositionAsync_NewTopic_EpochAtOffsetZeroKeptByPublishes()
    {
        await using var backplane = await StartAsync(new RecordingSink(), size: 5, TimeSpan.FromHours(1));

        var before = await backplane.PositionAsync("t");
        await backplane.PublishAsync("t", Bytes("1"));
        var after = await backplane.PositionAsync("t");

        Assert.Equal((Epochs.Length, 0L), (before.Epoch.Length, before.Offset));
        Assert.Equal(new TopicPosition(before.Epoch, 1), after);
    }

    [Fact]
    public async Task Publish_TenThousandOneOffTopics_StateIsReleasedAfterTheTtl()
    {
        await using var backplane = await StartAsync(new RecordingSink(), size: 10, TimeSpan.FromSeconds(1));
        await backplane.SubscribeAsync("once.>");
        for (var i = 0; i < 10_000; i++)
            await backplane.PublishAsync($"once.t{i}", Bytes("x"));
        await backplane.UnsubscribeAsync("once.>");
        Assert.InRange(backplane.TopicCount, 1, 10_000); // on a slow machine the first may be released already

        await Eventually.TrueAsync(() => backplane.TopicCount == 0 && backplane.CursorCount == 0, Bound,
            "every topic released");
    }

    [Fact]
    public async Task Publish_SubscribedTopicExpiredMeanwhile_SubscribersGetAResetThenOffsetOne()
    {
        var sink = new RecordingSink();
        await using var backplane = await StartAsync(sink, size: 10, TimeSpan.FromSeconds(1));
        await backplane.SubscribeAsync("room");
        var first = await backplane.PositionAsync("room");
        await backplane.PublishAsync("room", Bytes("1"));
        await Eventually.TrueAsync(() => backplane.TopicCount == 0, Bound, "the idle topic released");

        await backplane.PublishAsync("room", Bytes("again"));

        var second = await backplane.PositionAsync("room");
        Assert.NotEqual(first.Epoch, second.Epoch);
        Assert.Equal([("room", 1L), ("room", -1L), ("room", 1L)], sink.Delivered.Select(d => (d.Topic, d.Offset)));
        Assert.Equal(second.Epoch, Encoding.ASCII.GetString(sink.Delivered[1].Data));
    }

    private static async Task<InMemoryBackplane> StartAsync(RecordingSink sink, int size, TimeSpan ttl)
    {
        var backplane = new InMemoryBackplane(TestNamespaces.With(size, ttl));
        await backplane.StartAsync(sink, CancellationToken.None);
        return backplane;
    }

    private static ReadOnlyMemory<byte> Bytes(string text) => Encoding.UTF8.GetBytes(text);
}
