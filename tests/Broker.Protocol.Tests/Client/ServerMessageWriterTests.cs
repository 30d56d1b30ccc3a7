using System.Buffers;
using System.Text;
using System.Text.Json;
using Broker.Protocol.Client;
using Broker.Protocol.Tests.Support;
using Broker.Protocol.Framing;

namespace Broker.Protocol.Tests.Client;

public class ServerMessageWriterTests
{
    private static ReadOnlySequence<byte> Raw(string json) => new(Encoding.UTF8.GetBytes(json));

    private static JsonElement Written(Action<ArrayBufferWriter<byte>> write)
    {
        var output = new ArrayBufferWriter<byte>();
        write(output);
        return JsonDocument.Parse(output.WrittenMemory).RootElement.Clone();
    }

    [Fact]
    public void WriteAck_Publish_HasIdTopicAndOffset()
    {
        var output = new ArrayBufferWriter<byte>();

        ServerMessageWriter.WriteAck(output, Raw("2"), "chat.lobby", 42);

        Assert.Equal("""{"type":"ack","id":2,"topic":"chat.lobby","offset":42}""", Encoding.UTF8.GetString(output.WrittenSpan));
    }

    [Fact]
    public void WriteAck_Ping_HasOnlyTypeAndId()
    {
        var ack = Written(o => ServerMessageWriter.WriteAck(o, Raw("\"p\\u00e9\""), null, null));

        Assert.Equal("ack", ack.GetProperty("type").GetString());
        Assert.Equal("p\u00e9", ack.GetProperty("id").GetString());
        Assert.False(ack.TryGetProperty("topic", out _));
        Assert.False(ack.TryGetProperty("offset", out _));
    }

    [Fact]
    public void WriteAck_Subscribe_EchoesRawNumberId()
    {
        var output = new ArrayBufferWriter<byte>();

        ServerMessageWriter.WriteAck(output, Raw("1.50e2"), "chat.*", null);

        Assert.Equal("""{"type":"ack","id":1.50e2,"topic":"chat.*"}""", Encoding.UTF8.GetString(output.WrittenSpan));
    }

    [Fact]
    public void WriteError_MessageNeedingEscapes_IsValidJson()
    {
        const string message = "quote \" backslash \\ newline \n <tag> caf\u00e9";

        var error = Written(o => ServerMessageWriter.WriteError(o, Raw("3"), ClientError.BadTopic, message));

        Assert.Equal("error", error.GetProperty("type").GetString());
        Assert.Equal(3, error.GetProperty("id").GetInt32());
        Assert.Equal("bad_topic", error.GetProperty("code").GetString());
        Assert.Equal(message, error.GetProperty("message").GetString());
    }

    [Fact]
    public void WriteAck_IdSplitAcrossSegments_MatchesContiguousId()
    {
        var (split, whole) = (new ArrayBufferWriter<byte>(), new ArrayBufferWriter<byte>());

        ServerMessageWriter.WriteAck(split, TestSequence.Split(Encoding.UTF8.GetBytes("\"abcdef\""), 2), "t", 5);
        ServerMessageWriter.WriteAck(whole, "\"abcdef\""u8, "t", 5);

        Assert.Equal(whole.WrittenSpan, split.WrittenSpan);
        Assert.Equal("""{"type":"ack","id":"abcdef","topic":"t","offset":5}""", Encoding.UTF8.GetString(split.WrittenSpan));
    }

    [Fact]
    public void WriteError_WithoutId_OmitsId()
    {
        var error = Written(o => ServerMessageWriter.WriteError(o, ReadOnlySpan<byte>.Empty, ClientError.BadJson, "x"));

        Assert.False(error.TryGetProperty("id", out _));
        Assert.Equal("bad_json", error.GetProperty("code").GetString());
    }

    [Theory]
    [InlineData(ClientError.BadJson, "bad_json")]
    [InlineData(ClientError.BadRequest, "bad_request")]
    [InlineData(ClientError.UnknownType, "unknown_type")]
    [InlineData(ClientError.BadTopic, "bad_topic")]
    [InlineData(ClientError.TooManySubscriptions, "too_many_subscriptions")]
    [InlineData(ClientError.MessageTooLarge, "message_too_large")]
    [InlineData(ClientError.RateLimited, "rate_limited")]
    [InlineData(ClientError.BackplaneUnavailable, "backplane_unavailable")]
    [InlineData(ClientError.Forbidden, "forbidden")]
    [InlineData(ClientError.NotAvailable, "not_available")]
    public void Code_EveryError_HasStableWireName(ClientError error, string code)
    {
        Assert.Equal(code, ClientErrors.Code(error));
    }

    [Theory]
    [InlineData("{\"nick\":\"ann\",\"text\":\"hi\"}", 42L)]
    [InlineData("[ 1 ,\n2 ]", 1L)]
    [InlineData("\"caf\u00e9 \\u00e9\"", 9_223_372_036_854_775_807L)]
    public void WriteMessage_RawData_ParsesBackWithDataByteForByte(string data, long offset)
    {
        var dataBytes = Encoding.UTF8.GetBytes(data);
        var length = ServerMessageWriter.GetMessageLength("chat.lobby", offset, dataBytes.Length);
        var buffer = new byte[length];

        var written = ServerMessageWriter.WriteMessage(buffer, "chat.lobby", offset, dataBytes);

        Assert.Equal(length, written);
        var json = Encoding.UTF8.GetString(buffer);
        Assert.Equal($$"""{"type":"message","topic":"chat.lobby","offset":{{offset}},"data":{{data}}}""", json);
        using var document = JsonDocument.Parse(buffer);
        Assert.Equal(offset, document.RootElement.GetProperty("offset").GetInt64());
        Assert.Equal(data, document.RootElement.GetProperty("data").GetRawText());
    }

    [Fact]
    public void EncodePresenceEventFrame_UserNeedingEscapes_IsOneTextFrameWithValidJson()
    {
        var frame = ServerMessageWriter.EncodePresenceEventFrame(joined: false, "chat.lobby", "9f2c", "ann \"the\" <b>");

        var json = Encoding.UTF8.GetString(frame.AsSpan(2));
        Assert.Equal((byte)(0x80 | (byte)OpCode.Text), frame[0]);
        Assert.Equal(json.Length, frame[1]);
        var root = JsonDocument.Parse(json).RootElement;
        Assert.Equal(("leave", "chat.lobby", "9f2c", "ann \"the\" <b>"), (root.GetProperty("type").GetString(),
            root.GetProperty("topic").GetString(), root.GetProperty("client").GetString(), root.GetProperty("user").GetString()));
    }

    [Fact]
    public void WritePresence_AnonymousAndUser_UserIsNullOrString()
    {
        var reply = Written(o => ServerMessageWriter.WritePresence(o, "7"u8, "chat.lobby", [("a", null), ("b", "bo")]));

        Assert.Equal(("presence", 7, "chat.lobby"), (reply.GetProperty("type").GetString(), reply.GetProperty("id").GetInt32(),
            reply.GetProperty("topic").GetString()));
        Assert.Equal("""[{"client":"a","user":null},{"client":"b","user":"bo"}]""", reply.GetProperty("clients").GetRawText());
    }

    [Theory]
    [InlineData(10)]
    [InlineData(200)]
    [InlineData(70_000)]
    public void EncodeMessageFrame_AnySize_IsOneTextFrameWithTheMessage(int dataLength)
    {
        var data = Encoding.UTF8.GetBytes("\"" + new string('x', dataLength - 2) + "\"");

        var frame = ServerMessageWriter.EncodeMessageFrame("a.b", 7, data);

        var json = new byte[ServerMessageWriter.GetMessageLength("a.b", 7, data.Length)];
        ServerMessageWriter.WriteMessage(json, "a.b", 7, data);
        Assert.Equal(FrameWriter.Encode(OpCode.Text, json), frame);
    }

    [Fact]
    public void WriteMessage_IntoPreparedBuffer_AllocatesNothingPerMessage()
    {
        var data = "{\"k\":1}"u8.ToArray();
        var buffer = new byte[ServerMessageWriter.GetMessageLength("chat.lobby", 123_456, data.Length)];
        ServerMessageWriter.WriteMessage(buffer, "chat.lobby", 123_456, data);
        var before = GC.GetAllocatedBytesForCurrentThread();

        var written = 0;
        for (var i = 0; i < 1000; i++)
            written = ServerMessageWriter.WriteMessage(buffer, "chat.lobby", 123_456, data);

        Allocations.AssertNonePerOperation(GC.GetAllocatedBytesForCurrentThread() - before, 1000);
        Assert.Equal(buffer.Length, written);
    }
}
