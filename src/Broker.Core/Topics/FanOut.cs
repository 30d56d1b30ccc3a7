using Akka.Dispatch;
using Broker.Core.Connections;

namespace Broker.Core.Topics;

/// <summary>One message for one shard's subscribers of a key: runs on that shard, writing the shared frame to each.</summary>
internal sealed class FanOut(SharedFrame frame, Subscriber[] members) : IRunnable
{
    public void Run()
    {
        var except = frame.ExceptClient;
        foreach (var member in members)
        {
            if (except is null || !string.Equals(member.Client, except, StringComparison.Ordinal))
                member.Deliver(frame);
        }
    }

    public void Execute() => Run();
}
