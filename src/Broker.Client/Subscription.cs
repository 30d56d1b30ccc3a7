namespace Broker.Client;

/// <summary>
/// What <see cref="BrokerClient.SubscribeAsync"/> returns: dispose it to stop the handler. The broker is told to
/// unsubscribe once no handler of this client is left on the topic.
/// </summary>
public sealed class Subscription : IAsyncDisposable
{
    private readonly BrokerClient _client;
    private readonly Subscriber _subscriber;
    private int _disposed;

    internal Subscription(BrokerClient client, Subscriber subscriber)
    {
        _client = client;
        _subscriber = subscriber;
    }

    /// <summary>The topic or pattern subscribed to.</summary>
    public string Topic => _subscriber.Key;

    /// <summary>Removes the handler; messages still buffered for it are dropped.</summary>
    public ValueTask DisposeAsync() =>
        Interlocked.Exchange(ref _disposed, 1) == 0 ? _client.RemoveAsync(_subscriber) : ValueTask.CompletedTask;
}
