namespace Broker.Redis.Tests;

public sealed class TopicPatternTests
{
    [Theory]
    [InlineData("chat.*", "chat.lobby", true)]
    [InlineData("chat.*", "chat.eu.lobby", false)]
    [InlineData("chat.*", "chat", false)]
    [InlineData("chat.*", "chatx.lobby", false)]
    [InlineData("chat.>", "chat.lobby", true)]
    [InlineData("chat.>", "chat.eu.lobby", true)]
    [InlineData("chat.>", "chat", false)]
    [InlineData("chat.>", "news.chat.x", false)]
    [InlineData("*.lobby", "chat.lobby", true)]
    [InlineData("*.lobby", "chat.eu.lobby", false)]
    [InlineData("a.*.c", "a.b.c", true)]
    [InlineData("a.*.c", "a.b.x.c", false)]
    [InlineData("a.*.>", "a.b.c.d", true)]
    [InlineData("a.*.>", "a.b", false)]
    [InlineData("*", "lobby", true)]
    [InlineData("*", "chat.lobby", false)]
    [InlineData(">", "chat.lobby", true)]
    [InlineData("a.b.c", "a.b", false)]
    public void Matches_PatternAndTopic_FollowsTheProtocolRules(string pattern, string topic, bool expected) =>
        Assert.Equal(expected, TopicPattern.Parse(pattern).Matches(topic));

    [Theory]
    [InlineData("chat.*", true)]
    [InlineData("chat.>", true)]
    [InlineData("*.lobby", true)]
    [InlineData("chat.lobby", false)]
    [InlineData("chat.l*", false)]
    public void IsWildcard_Pattern_TrueOnlyForWholeWildcardSegments(string pattern, bool expected) =>
        Assert.Equal(expected, TopicPattern.IsWildcard(pattern));
}
