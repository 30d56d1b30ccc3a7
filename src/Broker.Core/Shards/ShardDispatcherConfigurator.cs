using Akka.Configuration;
using Akka.Dispatch;

namespace Broker.Core.Shards;

/// <summary>
/// Exposes a <see cref="Shard"/> to Akka as an ordinary <see cref="Dispatcher"/> whose executor posts each mailbox run
/// to the shard's queue, so actor messages and fan-out work share one thread and one FIFO. Registered per ActorSystem
/// with <c>Dispatchers.RegisterConfigurator</c> (the shard object cannot come from HOCON).
/// </summary>
internal sealed class ShardDispatcherConfigurator : MessageDispatcherConfigurator
{
    private readonly Dispatcher _instance;

    public ShardDispatcherConfigurator(Shard shard, int throughput, Dispatchers dispatchers)
        : base(DispatcherConfig(shard.DispatcherId, throughput, dispatchers.DefaultDispatcherConfig), dispatchers.Prerequisites)
    {
        // Akka shuts an unused dispatcher's executor down and asks the factory for a new one later; the shard lives
        // on regardless (the ShardSet owns its thread), so Shutdown is a no-op and Produce wraps the same shard.
        _instance = new Dispatcher(this, shard.DispatcherId, throughput, null, new ExecutorFactory(shard),
            Config.GetTimeSpan("shutdown-timeout"));
    }

    public override MessageDispatcher Dispatcher() => _instance;

    private static Config DispatcherConfig(string id, int throughput, Config defaults) =>
        ConfigurationFactory.ParseString($"id = \"{id}\"\nthroughput = {throughput}").WithFallback(defaults);

    private sealed class ExecutorFactory(Shard shard) : ExecutorServiceFactory
    {
        public override ExecutorService Produce(string id) => new Executor(id, shard);
    }

    private sealed class Executor(string id, Shard shard) : ExecutorService(id)
    {
        public override void Execute(IRunnable run) => shard.Post(run);

        public override void Shutdown()
        {
        }
    }
}
