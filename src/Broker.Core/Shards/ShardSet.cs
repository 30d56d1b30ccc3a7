using Akka.Actor;
using Akka.Dispatch;
using Akka.Event;

namespace Broker.Core.Shards;

/// <summary>
/// The node's shards (one event loop per core by default). Connections are assigned round-robin; each shard is an Akka
/// dispatcher once <see cref="Register"/> ran, so a connection actor runs on its shard's thread.
/// </summary>
public sealed class ShardSet : IDisposable
{
    private static int s_sets;
    private readonly Shard[] _shards;
    private int _next = -1;
    private ILoggingAdapter? _log;

    /// <summary>Starts <see cref="ShardSettings.Count"/> shard threads.</summary>
    public ShardSet(ShardSettings settings)
    {
        Settings = settings;
        _shards = new Shard[settings.Count];
        for (var i = 0; i < _shards.Length; i++)
            _shards[i] = new Shard(this, i, settings);
    }

    // Dispatcher ids must be unique within an ActorSystem, and a test may run several sets in one.
    internal int Id { get; } = Interlocked.Increment(ref s_sets);

    /// <summary>The settings the shards run with.</summary>
    public ShardSettings Settings { get; }

    /// <summary>The shards, by index.</summary>
    public IReadOnlyList<Shard> Shards => _shards;

    /// <summary>True while any shard holds more queued deliveries than its budget.</summary>
    public bool IsOverloaded
    {
        get
        {
            foreach (var shard in _shards)
                if (shard.IsOverloaded)
                    return true;
            return false;
        }
    }

    /// <summary>The shard for the next connection (round-robin).</summary>
    public Shard Next() => _shards[(int)((uint)Interlocked.Increment(ref _next) % (uint)_shards.Length)];

    /// <summary>Makes every shard an Akka dispatcher of <paramref name="system"/> (id <see cref="Shard.DispatcherId"/>).</summary>
    public void Register(ActorSystem system)
    {
        _log = Logging.GetLogger(system, typeof(ShardSet));
        foreach (var shard in _shards)
            system.Dispatchers.RegisterConfigurator(shard.DispatcherId,
                new ShardDispatcherConfigurator(shard, Settings.Throughput, system.Dispatchers));
    }

    /// <summary>Stops every shard thread.</summary>
    public void Dispose()
    {
        foreach (var shard in _shards)
            shard.Dispose();
    }

    internal void WakeAll()
    {
        foreach (var shard in _shards)
            shard.Post(Nothing.Instance);
    }

    // Work items handle their own failures; one that throws anyway must not end the loop every connection shares.
    internal void ReportError(Exception e)
    {
        if (_log is { } log)
            log.Error(e, "Shard work item failed");
        else
            Console.Error.WriteLine($"Shard work item failed: {e}");
    }

    private sealed class Nothing : IRunnable
    {
        public static readonly Nothing Instance = new();

        public void Run()
        {
        }

        public void Execute()
        {
        }
    }
}
