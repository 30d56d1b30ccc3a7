namespace Broker.Core.Topics;

// Written only by one topic actor, read by the registry for GetTopics: a shared volatile int spares the registry a
// scatter-gather over every topic actor (and a message per subscribe) just to list counts.
internal sealed class SubscriberCount
{
    private int _value;

    public int Value
    {
        get => Volatile.Read(ref _value);
        set => Volatile.Write(ref _value, value);
    }
}
