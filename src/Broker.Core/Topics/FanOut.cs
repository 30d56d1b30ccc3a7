using Akka.Dispatch;
using Broker.Core.Connections;

namespace Broker.Core.Topics;

/// <summary>One message for one shard's subscribers of a key: runs on that shard, writing the shared frame to each.</summary>
internal sealed class FanOut(SharedFrame frame, Subscriber[] members) : IRunnable
{
    public void Run()
    {
        foreach (var member in members)
            member.Deliver(frame);
    }

    public void Execute() => Run();
}
