using System.Threading.Channels;
using Broker.Testing;

namespace Broker.Client.Tests;

/// <summary>Recovery with <c>since</c> and history, against a real node behind a relay that drops the connection.</summary>
public sealed class RecoveryTests
{
    private static readonly TimeSpan Bound = Node.Bound;

    [Fact]
    public async Task Reconnect_MessagesPublishedWhileAway_ReplayedInOrderWithoutGapOrDuplicate()
    {
        await using var setup = await Dropping.StartAsync();
        var (client, states, recoveries, relay, publisher) = setup;
        var received = Channel.CreateUnbounded<BrokerMessage>();
        await using var subscription = await client.SubscribeAsync("away.t", m => received.Writer.WriteAsync(m));
        await using var pattern = await client.SubscribeAsync("away.*", _ => ValueTask.CompletedTask);

        for (var i = 1; i <= 10; i++)
            await publisher.PublishAsync("away.t", i);
        await ReadAsync(received, 10);
        relay.CutAndHold();
        await Node.WaitForStateAsync(states, BrokerConnectionState.Reconnecting);
        for (var i = 11; i <= 30; i++)
            await publisher.PublishAsync("away.t", i);
        relay.Resume();
        var recovery = await recoveries.Reader.ReadAsync().AsTask().WaitAsync(Bound);
        for (var i = 31; i <= 40; i++)
            await publisher.PublishAsync("away.t", i);

        Assert.True(recovery.Recovered);
        Assert.Equal("away.t", recovery.Topic);
        var after = await ReadAsync(received, 30);
        // 11..40 once each, in order: the replay (11..30) then live ones, the seam without a gap or a duplicate.
        Assert.Equal(Enumerable.Range(11, 30).Select(i => (long)i), after.Select(m => m.Offset));
        Assert.Equal(Enumerable.Range(11, 30), after.Select(m => m.Data.GetInt32()));
        Assert.Equal(2, relay.Accepted);
        Assert.False(received.Reader.TryRead(out var extra), $"an extra message: offset {extra?.Offset}");
    }

    [Fact]
    public async Task Reconnect_HistoryNoLongerCoversTheGap_RecoveredFalseAndLiveFromTheLatest()
    {
        await using var setup = await Dropping.StartAsync("--config", Node.WriteConfig("broker.namespaces.default.history.size = 5"));
        var (client, states, recoveries, relay, publisher) = setup;
        var received = Channel.CreateUnbounded<BrokerMessage>();
        await using var subscription = await client.SubscribeAsync("trim.t", m => received.Writer.WriteAsync(m));
        await publisher.PublishAsync("trim.t", 1);
        await ReadAsync(received, 1);

        relay.CutAndHold();
        await Node.WaitForStateAsync(states, BrokerConnectionState.Reconnecting);
        for (var i = 2; i <= 20; i++) // 2..15 fall out of a history of 5
            await publisher.PublishAsync("trim.t", i);
        relay.Resume();
        var recovery = await recoveries.Reader.ReadAsync().AsTask().WaitAsync(Bound);
        await publisher.PublishAsync("trim.t", 21);

        Assert.False(recovery.Recovered);
        Assert.Equal(20, recovery.Position.Offset);
        Assert.Equal(21, (await ReadAsync(received, 1))[0].Offset); // nothing replayed; live from the latest on
    }

    [Fact]
    public async Task History_LastAndSince_RetainedMessagesAscendingWithTheLatestPosition()
    {
        await using var node = await Node.StartAsync();
        await using var client = Node.Client(node);
        await client.ConnectAsync();
        for (var i = 1; i <= 8; i++)
            await client.PublishAsync("hist.t", new { n = i });

        var last = await client.HistoryAsync("hist.t", limit: 3);
        var since = await client.HistoryAsync("hist.t", since: last.Latest with { Offset = 5 });

        Assert.Equal(new long[] { 6, 7, 8 }, last.Messages.Select(m => m.Offset));
        Assert.Equal(new[] { 6, 7, 8 }, last.Messages.Select(m => m.Data.GetProperty("n").GetInt32()));
        Assert.Equal(8, last.Latest.Offset);
        Assert.Equal(new long[] { 6, 7, 8 }, since.Messages.Select(m => m.Offset));
        var wildcard = await Assert.ThrowsAsync<BrokerException>(() => client.HistoryAsync("hist.*"));
        Assert.Equal("bad_topic", wildcard.Code);
    }

    /// <summary>A node, a relay in front of it that can drop connections, a client through the relay, a publisher direct.</summary>
    private sealed record Dropping(BrokerClient Client, Channel<BrokerConnectionState> States,
        Channel<TopicRecovery> Recoveries, TcpRelay Relay, BrokerClient Publisher) : IAsyncDisposable
    {
        private BrokerProcess? _node;

        public static async Task<Dropping> StartAsync(params string[] args)
        {
            var node = await Node.StartAsync(args);
            var relay = new TcpRelay(node.HttpUri);
            var (client, states) = Node.Watched(relay.Through(node.WebSocketUri), Node.FastReconnect());
            var recoveries = Channel.CreateUnbounded<TopicRecovery>();
            client.Recovered += r => recoveries.Writer.TryWrite(r);
            var publisher = Node.Client(node);
            await client.ConnectAsync();
            await publisher.ConnectAsync();
            return new Dropping(client, states, recoveries, relay, publisher) { _node = node };
        }

        public async ValueTask DisposeAsync()
        {
            await Client.DisposeAsync();
            await Publisher.DisposeAsync();
            await Relay.DisposeAsync();
            if (_node is not null)
                await _node.DisposeAsync();
        }
    }

    private static async Task<List<BrokerMessage>> ReadAsync(Channel<BrokerMessage> channel, int count)
    {
        var messages = new List<BrokerMessage>();
        while (messages.Count < count)
            messages.Add(await channel.Reader.ReadAsync().AsTask().WaitAsync(Bound));
        return messages;
    }
}
