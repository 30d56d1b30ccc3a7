using System.Text.Json;

namespace Broker.Client;

/// <summary>A message published to a topic.</summary>
/// <param name="Topic">The concrete topic it was published to (also when the subscription was a wildcard pattern).</param>
/// <param name="Offset">The topic's sequence number: 1, 2, 3, ... cluster-wide; a gap means messages were missed.</param>
/// <param name="Data">The published JSON value, exactly as the publisher sent it.</param>
public sealed record BrokerMessage(string Topic, long Offset, JsonElement Data)
{
    /// <summary>Deserializes <see cref="Data"/> into <typeparamref name="T"/>.</summary>
    public T? DataAs<T>(JsonSerializerOptions? options = null) => Data.Deserialize<T>(options);
}
