using System.Text.Json;
using System.Threading.Channels;
using Broker.Testing;

namespace Broker.Client.Tests;

/// <summary>The .NET client against a real node: order, reconnect, back-pressure, cancellation, errors.</summary>
public sealed class BrokerClientTests
{
    private static readonly TimeSpan Bound = Node.Bound;

    [Fact]
    public async Task Subscribe_ManyPublishes_ArriveOnceInOffsetOrderWithTheirData()
    {
        await using var node = await Node.StartAsync();
        await using var subscriber = Node.Client(node);
        await using var publisher = Node.Client(node);
        await subscriber.ConnectAsync();
        await publisher.ConnectAsync();
        var concrete = Channel.CreateUnbounded<BrokerMessage>();
        var wildcard = Channel.CreateUnbounded<BrokerMessage>();
        await using var one = await subscriber.SubscribeAsync("order.lobby", m => concrete.Writer.WriteAsync(m));
        await using var all = await subscriber.SubscribeAsync("order.*", m => wildcard.Writer.WriteAsync(m));

        const int count = 200;
        var offsets = new List<long>();
        for (var i = 0; i < count; i++)
            offsets.Add((await publisher.PublishAsync("order.lobby", new { n = i })).Offset);

        Assert.Equal(Enumerable.Range(1, count).Select(i => (long)i), offsets);
        foreach (var channel in new[] { concrete, wildcard })
            for (var i = 0; i < count; i++)
            {
                var message = await channel.Reader.ReadAsync().AsTask().WaitAsync(Bound);
                Assert.Equal(("order.lobby", i + 1L, i), (message.Topic, message.Offset, message.Data.GetProperty("n").GetInt32()));
            }
        // Each message reached each handler once, although the broker sent it once per subscription.
        await publisher.PublishAsync("order.lobby", "marker");
        Assert.Equal("marker", (await concrete.Reader.ReadAsync().AsTask().WaitAsync(Bound)).Data.GetString());
        Assert.Equal("marker", (await wildcard.Reader.ReadAsync().AsTask().WaitAsync(Bound)).Data.GetString());
    }

    [Fact]
    public async Task Client_NodeRestarts_ReconnectsResubscribesAndSendsQueuedPublishes()
    {
        var port = FreePort.Next();
        var node = await Node.StartOnAsync(port);
        var (client, states) = Node.Watched(node.WebSocketUri, Node.FastReconnect());
        await using var _ = client;
        var recoveries = Channel.CreateUnbounded<TopicRecovery>();
        client.Recovered += r => recoveries.Writer.TryWrite(r);
        await client.ConnectAsync();
        var received = Channel.CreateUnbounded<BrokerMessage>();
        await using var subscription = await client.SubscribeAsync("restart.t", m => received.Writer.WriteAsync(m));
        var before = await client.HistoryAsync("restart.t");
        await client.PublishAsync("restart.t", "before");
        Assert.Equal("before", (await received.Reader.ReadAsync().AsTask().WaitAsync(Bound)).Data.GetString());

        node.Kill();
        await node.DisposeAsync();
        await Node.WaitForStateAsync(states, BrokerConnectionState.Reconnecting);
        var queued = client.PublishAsync("restart.t", "queued while down"); // waits for the next connection
        await using var restarted = await Node.StartOnAsync(port);
        await Node.WaitForStateAsync(states, BrokerConnectionState.Open);
        var result = await queued.WaitAsync(Bound);

        // The embedded node lost its past: the resubscribe could not recover, and says so with the new epoch.
        var recovery = await recoveries.Reader.ReadAsync().AsTask().WaitAsync(Bound);
        Assert.False(recovery.Recovered);
        Assert.NotEqual(before.Latest.Epoch, recovery.Position.Epoch);
        // The in-memory backplane of the new node starts offsets again; the resubscribe is in place before the queued
        // publish, and offset 1 of the new epoch is not taken for a copy of the old epoch's offset 1.
        Assert.Equal(1, result.Offset);
        var message = await received.Reader.ReadAsync().AsTask().WaitAsync(Bound);
        Assert.Equal(("queued while down", 1L), (message.Data.GetString(), message.Offset));
        Assert.Equal(1, await Node.SubscribersAsync(restarted, "restart.t"));
    }

    [Fact]
    public async Task Subscribe_SlowHandler_BackPressureReachesTheBrokerAndNothingIsLost()
    {
        // The broker may queue far more than the sockets hold, so the slow handler shows up in its queue, not as a 4000.
        await using var node = await Node.StartAsync("--config", Node.WriteConfig("""
            broker.websocket { max-queued-bytes = 268435456, max-queued-messages = 1000000 }
            broker.limits.publish-rate = off
            """));
        await using var slow = Node.Client(node, new BrokerClientOptions { SubscriptionBufferSize = 4, Compression = false });
        await using var publisher = Node.Client(node, new BrokerClientOptions { Compression = false });
        await slow.ConnectAsync();
        await publisher.ConnectAsync();
        using var gate = new SemaphoreSlim(0);
        var seen = new List<long>();
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        const int count = 2000;
        await using var subscription = await slow.SubscribeAsync("slow.t", async m =>
        {
            await gate.WaitAsync();
            seen.Add(m.Offset);
            if (seen.Count == count) done.TrySetResult();
        });

        var payload = JsonSerializer.SerializeToUtf8Bytes(new string('x', 16 * 1024)); // 2000 × 16 KiB = 32 MiB, beyond socket buffers
        await Task.WhenAll(Enumerable.Range(0, count).Select(_ => publisher.PublishJsonAsync("slow.t", payload)));
        await Eventually.TrueAsync(async () => await Node.MetricAsync(node, "broker_outbound_queued_bytes") > 0, Bound,
            "the broker queues for the client whose handler is blocked");
        gate.Release(count);
        await done.Task.WaitAsync(TimeSpan.FromSeconds(120));

        Assert.Equal(Enumerable.Range(1, count).Select(i => (long)i), seen);
        Assert.Equal(0, await Node.MetricAsync(node, "broker_slow_consumer_disconnects_total"));
    }

    [Fact]
    public async Task ReadAll_Cancelled_StopsWithCancellationAndUnsubscribes()
    {
        await using var node = await Node.StartAsync();
        await using var client = Node.Client(node);
        await using var publisher = Node.Client(node);
        await client.ConnectAsync();
        await publisher.ConnectAsync();
        using var cancel = new CancellationTokenSource();
        var read = new List<long>();

        var reading = Task.Run(async () =>
        {
            await foreach (var message in client.ReadAllAsync("stream.>", cancel.Token))
            {
                read.Add(message.Offset);
                if (read.Count == 3)
                    await cancel.CancelAsync();
            }
        });
        await Eventually.TrueAsync(async () => await Node.SubscribersAsync(node, "stream.>") == 1, Bound, "the stream subscribed");
        for (var i = 0; i < 5; i++)
            await publisher.PublishAsync("stream.a", i);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => reading.WaitAsync(Bound));
        Assert.Equal([1L, 2L, 3L], read);
        await Eventually.TrueAsync(async () => await Node.SubscribersAsync(node, "stream.>") == 0, Bound, "leaving the loop unsubscribed");
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.PublishAsync("stream.a", 1, cancel.Token));
    }

    [Fact]
    public async Task Publish_BadTopic_BrokerExceptionWithItsCode()
    {
        await using var node = await Node.StartAsync();
        await using var client = Node.Client(node);
        await client.ConnectAsync();

        var error = await Assert.ThrowsAsync<BrokerException>(() => client.PublishAsync("bad..topic", 1));
        var subscribeError = await Assert.ThrowsAsync<BrokerException>(() => client.SubscribeAsync("a.>.b", _ => ValueTask.CompletedTask));

        Assert.Equal("bad_topic", error.Code);
        Assert.Equal("bad_topic", subscribeError.Code);
        Assert.Equal(1, (await client.PublishAsync("fine", 1)).Offset); // the connection stays usable
    }

    [Fact]
    public async Task Publish_WhileDisconnected_QueueIsBoundedAndUnackedPublishesTimeOut()
    {
        var nobody = FreePort.Next(); // nothing listens: the client keeps retrying
        var options = new BrokerClientOptions { MaxQueuedPublishes = 1, PublishTimeout = TimeSpan.FromMilliseconds(500) };
        await using var client = new BrokerClient(new Uri($"ws://127.0.0.1:{nobody}/ws"), options);
        _ = client.ConnectAsync();

        var first = client.PublishAsync("q.t", 1);
        var full = await Assert.ThrowsAsync<BrokerException>(() => client.PublishAsync("q.t", 2));

        Assert.Equal("queue_full", full.Code);
        await Assert.ThrowsAsync<TimeoutException>(() => first);
    }

    [Fact]
    public async Task Connect_HandshakeRefused_FailsWithoutRetrying()
    {
        await using var node = await Node.StartAsync();
        await using var client = new BrokerClient(new Uri($"ws://{node.HttpUri.Authority}/no-such-endpoint"));

        var error = await Assert.ThrowsAsync<BrokerException>(() => client.ConnectAsync().WaitAsync(Bound));

        Assert.Equal("handshake_rejected", error.Code);
        Assert.Equal(BrokerConnectionState.Closed, client.State);
    }
}
