namespace Broker.LoadTool;

/// <summary>
/// Per-topic bookkeeping shared by publishers and subscribers: publishes sent and acknowledged (what every subscriber of
/// the topic must receive) and one probe subscriber whose progress paces publishers in max-rate mode.
/// </summary>
internal sealed class TopicBoard
{
    private readonly long[] _sent;
    private readonly long[] _acked;
    private readonly Subscriber?[] _probes;

    public TopicBoard(int topics)
    {
        Names = Enumerable.Range(0, topics).Select(i => $"load.{i}").ToArray();
        NameBytes = Names.Select(n => System.Text.Encoding.ASCII.GetBytes(n)).ToArray();
        _sent = new long[topics];
        _acked = new long[topics];
        _probes = new Subscriber?[topics];
    }

    public string[] Names { get; }

    public byte[][] NameBytes { get; }

    public FlowGate Gate { get; } = new();

    public int Count => Names.Length;

    public void SetProbe(int topic, Subscriber subscriber) => _probes[topic] ??= subscriber;

    public void OnSent(int topic) => Interlocked.Increment(ref _sent[topic]);

    public void OnAcked(int topic) => Interlocked.Increment(ref _acked[topic]);

    public long Acked(int topic) => Volatile.Read(ref _acked[topic]);

    /// <summary>True while the topic's probe subscriber is fewer than <paramref name="maxLag"/> messages behind what was sent.</summary>
    public bool CanSend(int topic, long maxLag) =>
        _probes[topic] is not { } probe || Volatile.Read(ref _sent[topic]) - probe.Received < maxLag;
}
