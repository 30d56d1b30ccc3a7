using System.Buffers;

namespace Broker.Protocol.Framing;

/// <summary>
/// The inbound half of a connection's codec: parses frames, unmasks them in place, reassembles fragments,
/// decompresses, validates UTF-8 incrementally and enforces every RFC 6455 §5 rule. One per connection, not thread-safe.
/// </summary>
public sealed class MessageReader : IDisposable
{
    /// <summary>Creates a reader for one connection.</summary>
    public MessageReader(MessageReaderOptions options) => throw new NotImplementedException();

    /// <summary>
    /// Reads the next complete message or control frame from <paramref name="buffer"/>, slicing off what it consumed.
    /// Returns false (keeping partial state) when more bytes are needed. Control frames between fragments are returned at once.
    /// Throws <see cref="WebSocketProtocolException"/> with the close code for any violation.
    /// </summary>
    public bool TryRead(ref ReadOnlySequence<byte> buffer, out ReceivedMessage message) => throw new NotImplementedException();

    /// <summary>Returns pooled buffers.</summary>
    public void Dispose() => throw new NotImplementedException();
}
