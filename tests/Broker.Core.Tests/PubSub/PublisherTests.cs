using Broker.Core.Connections;
using Broker.Core.Metrics;
using Broker.Core.PubSub;
using Broker.Core.Topics;

namespace Broker.Core.Tests.PubSub;

/// <summary>The publish path /ws and POST /api/publish share, over the in-memory backplane that can go down.</summary>
public sealed class PublisherTests : IAsyncLifetime
{
    private const int MaxPublishBytes = 10;

    private readonly FlakyBackplane _backplane = new();
    private readonly TrafficCounters _traffic = new ConnectionCounters().Traffic;
    private readonly Publisher _publisher;

    public PublisherTests() =>
        _publisher = new Publisher(_backplane, new PubSubSettings(TimeSpan.FromHours(1), 10, MaxPublishBytes, null, 10, 100),
            _traffic);

    public Task InitializeAsync() => _backplane.StartAsync(new TopicRouter(), CancellationToken.None);

    public Task DisposeAsync() => _backplane.DisposeAsync().AsTask();

    [Theory]
    [InlineData(0)]
    [InlineData(MaxPublishBytes)]
    public void CheckSize_UpToTheLimit_Fits(long bytes) => Assert.Null(_publisher.CheckSize(bytes));

    [Fact]
    public void CheckSize_OverTheLimit_SaysBothSizes() =>
        Assert.Equal("data is 11 bytes; the limit is 10", _publisher.CheckSize(MaxPublishBytes + 1));

    [Fact]
    public async Task PublishAsync_BackplaneUp_OffsetsInOrderAndCountedAsPublishes()
    {
        var first = await _publisher.PublishAsync("t", "1"u8.ToArray());
        var second = await _publisher.PublishAsync("t", "2"u8.ToArray());

        Assert.True(first.IsPublished);
        Assert.Equal(first.Offset + 1, second.Offset);
        Assert.Equal(2, _traffic.Publishes.Value);
        Assert.Equal(0, _traffic.PublishFailures.Value);
    }

    [Fact]
    public async Task PublishAsync_BackplaneDown_ExpectedFailureCountedNotThrown()
    {
        _backplane.Down = true;

        var outcome = await _publisher.PublishAsync("t", "1"u8.ToArray());

        Assert.False(outcome.IsPublished);
        Assert.False(outcome.IsUnexpected);
        Assert.Equal(0, _traffic.Publishes.Value);
        Assert.Equal(1, _traffic.PublishFailures.Value);
    }
}
