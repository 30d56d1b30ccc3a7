using System.Buffers;
using System.Buffers.Binary;
using System.IO.Pipelines;
using Akka.Actor;
using Akka.Dispatch;
using Akka.TestKit.Xunit2;
using Broker.Core.Connections;
using Broker.Core.Settings;
using Broker.Core.Shards;
using Broker.Core.Tests.Shards;
using Broker.Protocol.Compression;
using Broker.Protocol.Framing;

namespace Broker.Core.Tests.Connections;

public sealed class ConnectionActorTests : TestKit
{
    private readonly ShardSet _shards;

    public ConnectionActorTests() : base(BrokerHocon.Load()) => _shards = TestShards.Start(Sys);

    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    private static WebSocketSettings Settings(int maxQueuedMessages = 100) => new(
        MaxMessageBytes: 1 << 20,
        PingInterval: null,
        IdleTimeout: TimeSpan.FromMinutes(5),
        CloseTimeout: TimeSpan.FromMilliseconds(300),
        MaxQueuedBytes: 1 << 20,
        MaxQueuedMessages: maxQueuedMessages,
        Subprotocols: [],
        Deflate: new DeflateSettings(Enabled: false),
        MaxMessageDuration: TimeSpan.FromMinutes(1),
        MaxEmptyFragments: 100);

    private sealed record Socket(Pipe ClientToServer, Pipe ServerToClient, ConnectionSetup Setup, TaskCompletionSource Aborted);

    private static Socket NewSocket(IMessageHandler handler, WebSocketSettings settings)
    {
        var toServer = new Pipe();
        var toClient = new Pipe();
        var aborted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var setup = new ConnectionSetup(new Duplex(toServer.Reader, toClient.Writer), () => aborted.TrySetResult(),
            handler, null, null, settings, new ConnectionCounters());
        return new Socket(toServer, toClient, setup, aborted);
    }

    private static async Task SendMaskedAsync(Socket socket, OpCode opCode, byte[] payload)
    {
        await socket.ClientToServer.Writer.WriteAsync(ClientFrameWriter.Encode(opCode, payload, maskKey: 0x04030201));
    }

    private static async Task<(OpCode OpCode, byte[] Payload)> ReadFrameAsync(Socket socket)
    {
        var reader = socket.ServerToClient.Reader;
        while (true)
        {
            var result = await reader.ReadAsync().AsTask().WaitAsync(Wait);
            var buffer = result.Buffer;
            if (buffer.Length >= 2)
            {
                var head = buffer.Slice(0, 2).ToArray();
                long length = head[1] & 0x7F;
                var headerLength = 2;
                if (length == 126 && buffer.Length >= 4)
                {
                    length = BinaryPrimitives.ReadUInt16BigEndian(buffer.Slice(2, 2).ToArray());
                    headerLength = 4;
                }
                if (length < 126 && buffer.Length >= headerLength + length)
                {
                    var payload = buffer.Slice(headerLength, length).ToArray();
                    reader.AdvanceTo(buffer.GetPosition(headerLength + length));
                    return ((OpCode)(head[0] & 0x0F), payload);
                }
            }
            Assert.False(result.IsCompleted, "server closed before a whole frame");
            reader.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    [Fact]
    public async Task HandlerThrows_UnderStoppingSupervisor_ClosesWith1011()
    {
        var socket = NewSocket(new ThrowingHandler(), Settings());
        var supervisor = Sys.ActorOf(ConnectionSupervisorActor.Props(Settings(), _shards));
        supervisor.Tell(new Core.Connections.ConnectionSupervisor.Open(socket.Setup));

        await SendMaskedAsync(socket, OpCode.Text, "boom"u8.ToArray());
        var (opCode, payload) = await ReadFrameAsync(socket);

        Assert.Equal(OpCode.Close, opCode);
        Assert.Equal(1011, BinaryPrimitives.ReadUInt16BigEndian(payload));
        await socket.ClientToServer.Writer.CompleteAsync();
        await socket.Setup.Completion.WaitAsync(Wait);
    }

    [Fact]
    public async Task Deliver_SharedFrame_WrittenUnchanged()
    {
        var socket = NewSocket(EchoHandler.Instance, Settings());
        var connection = Sys.ActorOf(Connection.Props(socket.Setup, _shards.Next()));
        var shared = new SharedFrame(FrameWriter.Encode(OpCode.Text, "fan-out"u8));

        connection.Tell(new Connection.Deliver(shared));
        var (opCode, payload) = await ReadFrameAsync(socket);

        Assert.Equal(OpCode.Text, opCode);
        Assert.Equal("fan-out"u8.ToArray(), payload);
    }

    [Fact]
    public async Task CloseCommand_PeerAnswersClose_ConnectionCompletes()
    {
        var socket = NewSocket(EchoHandler.Instance, Settings());
        var connection = Sys.ActorOf(Connection.Props(socket.Setup, _shards.Next()));
        Watch(connection);

        connection.Tell(new Connection.Close(Protocol.CloseStatus.GoingAway));
        var (opCode, payload) = await ReadFrameAsync(socket);
        await SendMaskedAsync(socket, OpCode.Close, payload);

        Assert.Equal(OpCode.Close, opCode);
        Assert.Equal(1001, BinaryPrimitives.ReadUInt16BigEndian(payload));
        ExpectTerminated(connection, Wait);
        await socket.Setup.Completion.WaitAsync(Wait);
        Assert.False(socket.Aborted.Task.IsCompleted);
    }

    [Fact]
    public async Task CloseCommand_PeerSilent_AbortedAfterCloseTimeout()
    {
        var socket = NewSocket(EchoHandler.Instance, Settings());
        var connection = Sys.ActorOf(Connection.Props(socket.Setup, _shards.Next()));

        connection.Tell(new Connection.Close(Protocol.CloseStatus.NormalClosure));

        await socket.Aborted.Task.WaitAsync(Wait);
    }

    [Fact]
    public async Task Deliver_PeerNotReading_SlowConsumerClosedAndCounted()
    {
        var socket = NewSocket(EchoHandler.Instance, Settings(maxQueuedMessages: 4));
        var connection = Sys.ActorOf(Connection.Props(socket.Setup, _shards.Next()));
        // Larger than the pipe's pause threshold, so the first flush blocks and the queue fills behind it.
        var big = new SharedFrame(FrameWriter.Encode(OpCode.Binary, new byte[100_000]));

        for (var i = 0; i < 10; i++)
            connection.Tell(new Connection.Deliver(big));

        await socket.Aborted.Task.WaitAsync(Wait);
        Assert.Equal(1, socket.Setup.Counters.SlowConsumers);
    }

    [Fact]
    public async Task Read_ShardsOverBudget_StopsReadingUntilTheyDrain()
    {
        var shards = TestShards.Start(Sys, count: 2, maxQueuedDeliveries: 10);
        var socket = NewSocket(EchoHandler.Instance, Settings());
        Sys.ActorOf(Connection.Props(socket.Setup, shards.Shards[0]));
        using var release = new ManualResetEventSlim();
        // Shard 1 is stuck in a work item with more deliveries queued behind it than its budget.
        shards.Shards[1].Post(new ActionRunnable(() => release.Wait(Wait)));
        shards.Shards[1].PostDeliveries(new ActionRunnable(() => { }), 11);

        await SendMaskedAsync(socket, OpCode.Text, "read before"u8.ToArray());
        Assert.Equal("read before"u8.ToArray(), (await ReadFrameAsync(socket)).Payload);
        await SendMaskedAsync(socket, OpCode.Text, "held back"u8.ToArray());
        var echo = ReadFrameAsync(socket);

        await Task.WhenAny(echo, Task.Delay(TimeSpan.FromMilliseconds(300)));
        Assert.False(echo.IsCompleted, "read while the shards were over budget");
        release.Set();
        Assert.Equal("held back"u8.ToArray(), (await echo).Payload);
    }

    private sealed record Duplex(PipeReader Input, PipeWriter Output) : IDuplexPipe;

    private sealed class ThrowingHandler : IMessageHandler
    {
        public void OnMessage(IConnectionContext connection, OpCode opCode, in ReadOnlySequence<byte> payload) =>
            throw new InvalidOperationException("handler bug");

        public void OnStopped(IConnectionContext connection)
        {
        }
    }
}
