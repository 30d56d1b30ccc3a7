using System.Text;
using System.Text.Json;
using Broker.Server.Tests.Support;
using Broker.Testing;

namespace Broker.Server.Tests.PubSub;

/// <summary>A replay longer than the outbox, paced by the outbox's RoomForReplay signal, over real sockets.</summary>
public sealed class ReplayPacingTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Subscribe_SinceWithHistoryBeyondTheOutboxAndASlowReader_EveryMessageOnceInOrderNoSlowConsumerClose()
    {
        // An outbox of 20 messages / 128 KiB and a replay of 1000 messages of 8 KiB: written at once it would overflow
        // (4000). 8 MB is more than the kernel's socket buffers take (Linux grows a send buffer to 4 MB at most), so the
        // subscriber, which reads through a 4 KiB receive buffer and starts only once the node holds frames its socket
        // has not taken, paces the replay: it waits for room again and again.
        const int missed = 1000;
        await using var broker = await TestBroker.StartAsync("""
            broker.namespaces.default.history.size = 1000
            broker.websocket { max-queued-messages = 20, max-queued-bytes = 131072 }
            """);
        await using var publisher = await PubSubClient.ConnectAsync(broker);
        var epoch = (await publisher.RequestAsync("""{"type":"history","id":1,"topic":"backlog"}""")).GetProperty("epoch").GetString();
        var data = $"\"{new string('x', 8192)}\"";
        for (var n = 1; n <= missed; n++)
            Assert.Equal(n, await publisher.PublishAsync("backlog", data, id: n));
        await using var subscriber = await RawClient.OpenAsync(broker.Http, "/ws", receiveBuffer: 4096);

        await subscriber.SendFrameAsync(0x1, Encoding.UTF8.GetBytes(
            $$$"""{"type":"subscribe","id":2,"topic":"backlog","since":{"offset":0,"epoch":"{{{epoch}}}"}}"""));
        await Eventually.TrueAsync(() => broker.Counters.Traffic.QueuedBytes.Value > 0, Wait,
            "holding frames the subscriber's socket has not taken");
        var ack = await ReadJsonAsync(subscriber);
        var replayed = new List<long>();
        while (replayed.Count < missed)
            replayed.Add(Offset(await ReadJsonAsync(subscriber)));
        var live = await publisher.PublishAsync("backlog", "\"live\"", id: missed + 1);

        Assert.Equal(("ack", true, (long)missed), (ack.GetProperty("type").GetString(),
            ack.GetProperty("recovered").GetBoolean(), ack.GetProperty("offset").GetInt64()));
        Assert.Equal(Enumerable.Range(1, missed).Select(n => (long)n), replayed);
        Assert.Equal(live, Offset(await ReadJsonAsync(subscriber)));
        Assert.Equal(0, broker.Counters.SlowConsumers);
    }

    private static async Task<JsonElement> ReadJsonAsync(RawClient client)
    {
        var frame = await client.ReadFrameAsync();
        Assert.NotNull(frame);
        Assert.True(frame.OpCode == 0x1, $"expected a text frame, got opcode {frame.OpCode} (close code {frame.CloseCode})");
        return JsonDocument.Parse(frame.Payload).RootElement;
    }

    private static long Offset(JsonElement message)
    {
        Assert.Equal("message", message.GetProperty("type").GetString());
        return message.GetProperty("offset").GetInt64();
    }
}
