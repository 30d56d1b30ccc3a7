using System.Threading.Channels;

namespace Broker.Client;

/// <summary>
/// One <see cref="BrokerClient.SubscribeAsync"/> or <see cref="BrokerClient.ReadAllAsync"/>: a bounded buffer between
/// the socket and the consumer. The receive loop awaits room in it, so a slow consumer slows the socket, not memory.
/// </summary>
internal sealed class Subscriber(string key, int capacity)
{
    public string Key { get; } = key;

    /// <summary>Set when its subscription is disposed: a handler gets no message still buffered after that.</summary>
    public volatile bool Removed;

    public Channel<BrokerMessage> Buffer { get; } = Channel.CreateBounded<BrokerMessage>(
        new BoundedChannelOptions(capacity) { SingleReader = true, SingleWriter = true, FullMode = BoundedChannelFullMode.Wait });
}
