using System.Text;
using Broker.Protocol.Framing;
using Broker.Server.Tests.Support;

namespace Broker.Server.Tests.Conformance;

/// <summary>
/// What an Autobahn|Testsuite fuzzing client sends and checks, over <see cref="RawClient"/>: masked frames built by hand,
/// the echo or Close it expects, and the closing handshake every passing case ends with.
/// </summary>
public static class Peer
{
    public static byte[] Frame(OpCode opCode, byte[] payload, bool fin = true, int rsv = 0) =>
        RawClient.EncodeFrame((int)opCode, payload, fin, masked: true, rsv);

    public static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    /// <summary>
    /// Runs a send that may outlive the connection: a server that fails the connection mid-stream closes its socket with
    /// our bytes unread, which resets TCP under our later writes. Its Close is already in our receive buffer to be read.
    /// </summary>
    public static async Task SendIgnoringResetAsync(Func<Task> send)
    {
        try
        {
            await send();
        }
        catch (IOException)
        {
        }
    }

    /// <summary>The next frame the server sent, skipping heartbeat pings (the server's own, never an answer).</summary>
    public static async Task<RawClient.Frame> NextFrameAsync(RawClient client)
    {
        while (true)
        {
            var frame = await client.ReadFrameAsync() ?? throw new Xunit.Sdk.XunitException("server closed TCP");
            if (frame.OpCode != (int)OpCode.Ping)
                return frame;
        }
    }

    /// <summary>The next frame is one whole message or pong with exactly this opcode and payload.</summary>
    public static async Task ExpectAsync(RawClient client, OpCode opCode, byte[] payload)
    {
        var frame = await NextFrameAsync(client);
        Assert.Equal((int)opCode, frame.OpCode);
        Assert.True(frame.Fin, "the server sends each message as one frame");
        Assert.True(payload.AsSpan().SequenceEqual(frame.Payload), $"{opCode} payload of {frame.Payload.Length} bytes differs from the {payload.Length} sent");
    }

    /// <summary>
    /// The next frame is a Close with <paramref name="code"/>, then the server closes TCP with nothing in between (no Pong,
    /// no echo after its Close): how it fails a connection.
    /// </summary>
    public static async Task ExpectCloseAsync(RawClient client, int code)
    {
        var frame = await NextFrameAsync(client);
        Assert.True(frame.OpCode == (int)OpCode.Close, $"expected Close {code}, got opcode {frame.OpCode}");
        Assert.Equal(code, frame.CloseCode);
        await client.ExpectTcpClosedWithNothingMoreAsync();
    }

    /// <summary>Autobahn's clean close: our Close 1000 is answered by the server's Close 1000 (nothing else first), then TCP closes.</summary>
    public static async Task CloseCleanlyAsync(RawClient client)
    {
        await client.WriteAsync(Frame(OpCode.Close, RawClient.ClosePayload(1000)));
        await ExpectCloseAsync(client, 1000);
    }
}
