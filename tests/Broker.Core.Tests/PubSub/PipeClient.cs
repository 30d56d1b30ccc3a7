using System.Buffers;
using System.Buffers.Binary;
using System.IO.Pipelines;
using System.Text;
using System.Text.Json;
using Akka.Actor;
using Broker.Protocol.Framing;

namespace Broker.Core.Tests.PubSub;

// A client of a connection actor over in-memory pipes: masked text frames out, unmasked server frames in.
internal sealed class PipeClient(IActorRef connection, PipeWriter toServer, PipeReader fromServer) : IAsyncDisposable
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    public IActorRef Connection { get; } = connection;

    public async Task SendAsync(string json)
    {
        await toServer.WriteAsync(ClientFrameWriter.Encode(OpCode.Text, Encoding.UTF8.GetBytes(json), maskKey: 0x06070809));
    }

    /// <summary>The next text frame's JSON (server frames here are short: 7- or 16-bit lengths).</summary>
    public async Task<JsonElement> ReceiveAsync()
    {
        while (true)
        {
            var result = await fromServer.ReadAsync().AsTask().WaitAsync(Wait);
            var buffer = result.Buffer;
            if (buffer.Length >= 2)
            {
                var head = buffer.Slice(0, 2).ToArray();
                var (length, headerLength) = (head[1] & 0x7F) == 126 && buffer.Length >= 4
                    ? (BinaryPrimitives.ReadUInt16BigEndian(buffer.Slice(2, 2).ToArray()), 4)
                    : (head[1] & 0x7F, 2);
                if (length < 126 || headerLength == 4)
                {
                    if (buffer.Length >= headerLength + length)
                    {
                        var payload = buffer.Slice(headerLength, length).ToArray();
                        fromServer.AdvanceTo(buffer.GetPosition(headerLength + length));
                        Assert.Equal(0x81, head[0]);
                        return JsonDocument.Parse(payload).RootElement;
                    }
                }
            }
            Assert.False(result.IsCompleted, "the connection ended before a whole frame");
            fromServer.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    public async ValueTask DisposeAsync() => await toServer.CompleteAsync();

    public sealed record Duplex(PipeReader Input, PipeWriter Output) : IDuplexPipe;
}
