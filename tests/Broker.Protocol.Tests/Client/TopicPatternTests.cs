using Broker.Protocol.Client;
using Broker.Protocol.Tests.Support;

namespace Broker.Protocol.Tests.Client;

public class TopicPatternTests
{
    [Theory]
    [InlineData("chat.lobby", "chat.lobby", true)]
    [InlineData("chat.lobby", "chat.lobbyx", false)]
    [InlineData("chat.lobby", "chat", false)]
    [InlineData("chat.lobby", "Chat.lobby", false)]
    [InlineData("chat.*", "chat.lobby", true)]
    [InlineData("chat.*", "chat.eu.lobby", false)]
    [InlineData("chat.*", "chat", false)]
    [InlineData("chat.*", "chats.lobby", false)]
    [InlineData("chat.>", "chat.lobby", true)]
    [InlineData("chat.>", "chat.eu.lobby", true)]
    [InlineData("chat.>", "chat", false)]
    [InlineData("chat.>", "chatx.lobby", false)]
    [InlineData("*", "a", true)]
    [InlineData("*", "a.b", false)]
    [InlineData(">", "a", true)]
    [InlineData(">", "a.b.c", true)]
    [InlineData("*.lobby", "chat.lobby", true)]
    [InlineData("*.lobby", "chat.room", false)]
    [InlineData("*.*.>", "a.b", false)]
    [InlineData("*.*.>", "a.b.c", true)]
    [InlineData("a.*.c", "a.b.c", true)]
    [InlineData("a.*.c", "a.b.d", false)]
    [InlineData("a.*.c", "a.b.c.d", false)]
    [InlineData("a.*.>", "a.b.c.d", true)]
    public void Matches_Table(string pattern, string topic, bool expected)
    {
        Assert.Equal(expected, TopicPattern.Matches(pattern, topic));
    }

    [Fact]
    public void Matches_Repeated_AllocatesNothingPerMatch()
    {
        TopicPattern.Matches("a.*.>", "a.b.c.d");
        var before = GC.GetAllocatedBytesForCurrentThread();

        var matches = 0;
        for (var i = 0; i < 1000; i++)
            matches += TopicPattern.Matches("a.*.>", "a.b.c.d") ? 1 : 0;

        Allocations.AssertNonePerOperation(GC.GetAllocatedBytesForCurrentThread() - before, 1000);
        Assert.Equal(1000, matches);
    }
}
