using Akka.Dispatch;
using Akka.TestKit.Xunit2;
using Broker.Core.Connections;
using Broker.Core.Tests.Shards;
using Broker.Core.Topics;
using Broker.Protocol.Client;

namespace Broker.Core.Tests.Topics;

/// <summary>A message's fan-out on one shard: the group and the frame posted as one queue item.</summary>
public sealed class ShardGroupTests : TestKit
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    [Fact]
    public void Fan_FrameExceptOneClient_ReachesEveryOtherMemberInOrder()
    {
        var shard = TestShards.Start(Sys, count: 1).Shards[0];
        var members = new[] { "a", "b", "c" }.Select(client => new RecordingSubscriber(shard) { Client = client }).ToArray();
        var group = new ShardGroup(shard, members);

        group.Fan(Frame(1));
        group.Fan(new SharedFrame(ServerMessageWriter.EncodeMessageFrame("t", 2, "2"u8)) { ExceptClient = "b" });
        group.Fan(Frame(3));

        AwaitCondition(() => members[0].Count == 3 && members[1].Count == 2 && members[2].Count == 3, Wait);
        Assert.Equal(["t#1", "t#2", "t#3"], members[0].Received());
        Assert.Equal(["t#1", "t#3"], members[1].Received());
        Assert.Equal(["t#1", "t#2", "t#3"], members[2].Received());
    }

    [Fact]
    public void Fan_QueuedBehindBusyShard_CountsEveryMemberAgainstTheBudgetUntilRun()
    {
        var shard = TestShards.Start(Sys, count: 1, maxQueuedDeliveries: 3).Shards[0];
        var members = Enumerable.Range(0, 4).Select(_ => new RecordingSubscriber(shard)).ToArray();
        using var busy = new ManualResetEventSlim();
        shard.Post(new ActionRunnable(() => busy.Wait(Wait)));

        new ShardGroup(shard, members).Fan(Frame(1));
        var overloaded = shard.IsOverloaded;
        busy.Set();

        Assert.True(overloaded);
        AwaitCondition(() => !shard.IsOverloaded && members.All(m => m.Count == 1), Wait);
    }

    private static SharedFrame Frame(long offset) =>
        new(ServerMessageWriter.EncodeMessageFrame("t", offset, "1"u8));
}
