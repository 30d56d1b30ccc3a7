using System.Buffers.Binary;
using System.Text;
using Broker.Protocol.Framing;
using Broker.Sockets;
using Broker.Testing;

namespace Broker.LoadTool.Tests;

/// <summary>Every case runs with both readers: the tool's epoll thread (true, where there is one) and asynchronous receives.</summary>
public sealed class SubscriberTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private static EpollReadiness? Reader(bool epoll) => epoll ? EpollReadiness.Shared : null;

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task SubscribeAsync_ServerAcks_SendsMaskedSubscribeForItsTopic(bool epoll)
    {
        await using var server = new RawServerPeer();
        var subscriber = new Subscriber(1, new TopicBoard(2), new MeasureWindow(), 4096, Reader(epoll));
        var (opened, subscribed) = await OpenAndSubscribe(server, subscriber);

        await subscribed;

        Assert.Equal("""{"type":"subscribe","id":0,"topic":"load.1"}""", opened);
        await CloseBoth(server, subscriber);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Deliveries_OffsetsSkipRepeatAndGoBack_CountsGapsDuplicatesAndOutOfOrder(bool epoll)
    {
        await using var server = new RawServerPeer();
        var subscriber = new Subscriber(0, new TopicBoard(1), new MeasureWindow(), 4096, Reader(epoll));
        await (await OpenAndSubscribe(server, subscriber)).Subscribed;

        foreach (var offset in new[] { 1, 2, 5, 5, 3, 6 })
            await server.SendTextAsync($$$"""{"type":"message","topic":"load.0","offset":{{{offset}}},"data":{"t":1,"p":"x"}}""");
        await Eventually.TrueAsync(() => subscriber.Received == 6, Timeout, "six deliveries counted");

        Assert.Equal(2, subscriber.Gaps); // 3 and 4 skipped when 5 arrived
        Assert.Equal(1, subscriber.Duplicates);
        Assert.Equal(1, subscriber.OutOfOrder);
        Assert.Null(subscriber.Disconnect);
        await CloseBoth(server, subscriber);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Deliveries_StampedInsideTheWindow_RecordLatency(bool epoll)
    {
        await using var server = new RawServerPeer();
        var window = new MeasureWindow();
        window.Open(TimeSpan.Zero, TimeSpan.FromMinutes(1));
        var subscriber = new Subscriber(0, new TopicBoard(1), window, 4096, Reader(epoll));
        await (await OpenAndSubscribe(server, subscriber)).Subscribed;

        var inside = System.Diagnostics.Stopwatch.GetTimestamp();
        await server.SendTextAsync($$$"""{"type":"message","topic":"load.0","offset":1,"data":{"t":{{{inside}}},"p":"x"}}""");
        await server.SendTextAsync("""{"type":"message","topic":"load.0","offset":2,"data":{"t":1,"p":"x"}}""");
        await Eventually.TrueAsync(() => subscriber.Received == 2, Timeout, "two deliveries counted");

        Assert.Equal(1, subscriber.Latency!.Count);
        await CloseBoth(server, subscriber);
    }

    // The subscriber's side of arrival stamps: the stamp converted to Stopwatch time puts the latency between the
    // message's own stamp and the moment the count was seen (an offset between the clocks gone wrong lands outside).
    // That the kernel's stamp precedes the read is ArrivalStampTests'; without an epoll set the read time stands in.
    [Fact]
    public async Task Deliveries_StampArrivals_LatencyEndsBetweenPublishAndRead()
    {
        await using var server = new RawServerPeer();
        var window = new MeasureWindow();
        window.Open(TimeSpan.Zero, TimeSpan.FromMinutes(1));
        var subscriber = new Subscriber(0, new TopicBoard(1), window, 4096, EpollReadiness.Shared) { StampArrivals = true };
        await (await OpenAndSubscribe(server, subscriber)).Subscribed;

        var stamp = System.Diagnostics.Stopwatch.GetTimestamp();
        await server.SendTextAsync($$$"""{"type":"message","topic":"load.0","offset":1,"data":{"t":{{{stamp}}},"p":"x"}}""");
        await Eventually.TrueAsync(() => subscriber.Received == 1, Timeout, "the delivery counted");
        var seen = MeasureWindow.ToMicros(System.Diagnostics.Stopwatch.GetTimestamp() - stamp);

        Assert.Equal(1, subscriber.Latency!.Count);
        Assert.InRange(subscriber.Latency.Max, 0, seen);
        await CloseBoth(server, subscriber);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task ServerPing_AnsweredWithPongCarryingTheSamePayload(bool epoll)
    {
        await using var server = new RawServerPeer();
        var subscriber = new Subscriber(0, new TopicBoard(1), null, 4096, Reader(epoll));
        await (await OpenAndSubscribe(server, subscriber)).Subscribed;

        await server.SendAsync(OpCode.Ping, "hb-7"u8.ToArray());
        var (opCode, payload) = await server.ReadAsync();

        Assert.Equal(OpCode.Pong, opCode);
        Assert.Equal("hb-7", Encoding.UTF8.GetString(payload));
        await CloseBoth(server, subscriber);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task ServerClose_RecordedAsDisconnectAndEchoed(bool epoll)
    {
        await using var server = new RawServerPeer();
        var subscriber = new Subscriber(0, new TopicBoard(1), null, 4096, Reader(epoll));
        await (await OpenAndSubscribe(server, subscriber)).Subscribed;

        var close = new byte[2];
        BinaryPrimitives.WriteUInt16BigEndian(close, 4000);
        await server.SendAsync(OpCode.Close, close);
        var (opCode, payload) = await server.ReadAsync();

        Assert.Equal(OpCode.Close, opCode);
        Assert.Equal(close, payload);
        Assert.StartsWith("server closed with 4000", subscriber.Disconnect);
        await CloseBoth(server, subscriber);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task CloseAsync_SendsNormalClosure(bool epoll)
    {
        await using var server = new RawServerPeer();
        var subscriber = new Subscriber(0, new TopicBoard(1), null, 4096, Reader(epoll));
        await (await OpenAndSubscribe(server, subscriber)).Subscribed;

        var closing = subscriber.CloseAsync(TimeSpan.FromMilliseconds(200));
        var (opCode, payload) = await server.ReadAsync();
        await closing;

        Assert.Equal(OpCode.Close, opCode);
        Assert.Equal(1000, BinaryPrimitives.ReadUInt16BigEndian(payload));
        Assert.Null(subscriber.Disconnect);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task ServerDropsTcp_RecordedAsDisconnectWithoutClose(bool epoll)
    {
        await using var server = new RawServerPeer();
        var subscriber = new Subscriber(0, new TopicBoard(1), null, 4096, Reader(epoll));
        await (await OpenAndSubscribe(server, subscriber)).Subscribed;

        await server.DisposeAsync();
        await Eventually.TrueAsync(() => subscriber.Disconnect is not null, Timeout, "the drop noticed");

        Assert.Equal("server closed TCP without a Close frame", subscriber.Disconnect);
        await subscriber.CloseAsync(Timeout);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task OpenAsync_WrongAcceptKey_FailsTheHandshake(bool epoll)
    {
        await using var server = new RawServerPeer();
        var subscriber = new Subscriber(0, new TopicBoard(1), null, 4096, Reader(epoll));
        var accepting = server.AcceptAsync(acceptKey: "bm90IHRoZSByaWdodCBrZXk=");

        var failure = await Assert.ThrowsAsync<IOException>(() => subscriber.OpenAsync(server.Url, CancellationToken.None).WaitAsync(Timeout));
        await accepting;

        Assert.Equal("handshake response has a wrong Sec-WebSocket-Accept", failure.Message);
        await subscriber.CloseAsync(Timeout);
    }

    // The peer drops TCP first, so the tool's closing handshake ends at once instead of waiting for a Close reply.
    private static async Task CloseBoth(RawServerPeer server, Subscriber subscriber)
    {
        await server.DisposeAsync();
        await subscriber.CloseAsync(Timeout);
    }

    // Opens the tool's connection, reads its subscribe command and acks it.
    private static async Task<(string Command, Task Subscribed)> OpenAndSubscribe(RawServerPeer server, Subscriber subscriber)
    {
        var accepting = server.AcceptAsync();
        await subscriber.OpenAsync(server.Url, CancellationToken.None).WaitAsync(Timeout);
        await accepting;
        var subscribed = subscriber.SubscribeAsync(Timeout);
        var (opCode, payload) = await server.ReadAsync();
        Assert.Equal(OpCode.Text, opCode);
        await server.SendTextAsync("""{"type":"ack","id":0,"topic":"load.0"}""");
        return (Encoding.UTF8.GetString(payload), subscribed);
    }
}
