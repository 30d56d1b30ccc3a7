using System.Text.Json;
using Broker.Core.Connections;

namespace Broker.Core.Tests.Topics;

// Decodes a delivered server frame (unmasked, FIN, text) back into the message's fields.
internal sealed record DeliveredMessage(string Topic, long Offset, string Data)
{
    public static DeliveredMessage From(SharedFrame frame)
    {
        var bytes = frame.Frame.Span;
        Assert.Equal(0x81, bytes[0]);
        var headerLength = (bytes[1] & 0x7F) switch { 126 => 4, 127 => 10, _ => 2 };
        using var document = JsonDocument.Parse(frame.Frame[headerLength..]);
        var root = document.RootElement;
        Assert.Equal("message", root.GetProperty("type").GetString());
        return new DeliveredMessage(root.GetProperty("topic").GetString()!, root.GetProperty("offset").GetInt64(),
            root.GetProperty("data").GetRawText());
    }
}
