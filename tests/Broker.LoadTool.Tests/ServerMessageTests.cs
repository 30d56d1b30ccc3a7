using System.Buffers;
using System.Text;

namespace Broker.LoadTool.Tests;

public sealed class ServerMessageTests
{
    [Fact]
    public void Parse_Delivery_ReadsOffsetAndStamp()
    {
        var message = Parse("""{"type":"message","topic":"load.12","offset":4711,"data":{"t":123456789012,"p":"xx"}}""");

        Assert.Equal(ServerMessageType.Message, message.Type);
        Assert.Equal(4711, message.Offset);
        Assert.Equal(123456789012, message.Stamp);
    }

    [Fact]
    public void Parse_DeliveryOfForeignData_OffsetWithoutStamp()
    {
        var message = Parse("""{"type":"message","topic":"chat.lobby","offset":9,"data":"hi"}""");

        Assert.Equal(ServerMessageType.Message, message.Type);
        Assert.Equal(9, message.Offset);
        Assert.Equal(0, message.Stamp);
    }

    [Fact]
    public void Parse_PublishAck_ReadsIdAndOffset()
    {
        var message = Parse("""{"type":"ack","id":77,"topic":"load.0","offset":42}""");

        Assert.Equal(ServerMessageType.Ack, message.Type);
        Assert.Equal(77, message.Id);
        Assert.Equal(42, message.Offset);
    }

    [Fact]
    public void Parse_Error_ReadsIdAndCode()
    {
        var message = Parse("""{"type":"error","id":3,"code":"rate_limited","message":"slow down"}""");

        Assert.Equal(ServerMessageType.Error, message.Type);
        Assert.Equal(3, message.Id);
        Assert.Equal("rate_limited", message.ErrorCode);
    }

    [Fact]
    public void Parse_NotJson_IsOther() => Assert.Equal(ServerMessageType.Other, Parse("hello").Type);

    private static ServerMessage Parse(string json) => ServerMessage.Parse(new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(json)));
}
