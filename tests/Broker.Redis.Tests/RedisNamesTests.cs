namespace Broker.Redis.Tests;

public sealed class RedisNamesTests
{
    private readonly RedisNames _names = new("broker:");

    [Fact]
    public void Keys_Topic_ShareTheTopicAsHashTag() =>
        Assert.Equal(("broker:{chat.lobby}:meta", "broker:{chat.lobby}:log"),
            ((string)_names.MetaKey("chat.lobby")!, (string)_names.HistoryKey("chat.lobby")!));

    [Theory]
    [InlineData("chat.*", "broker:msg:chat.*")]
    [InlineData("chat.>", "broker:msg:chat.*")]
    [InlineData("*.eu.>", "broker:msg:*.eu.*")]
    public void PatternChannel_Wildcards_BecomeGlobStars(string pattern, string glob) =>
        Assert.Equal(glob, _names.PatternChannel(pattern).ToString());

    [Fact]
    public void PatternChannel_PrefixWithGlobCharacters_IsEscaped() =>
        Assert.Equal(@"b\[1\]\*\?:msg:x.*", new RedisNames("b[1]*?:").PatternChannel("x.*").ToString());

    [Fact]
    public void TopicOf_OwnAndForeignChannels_ParsesOnlyOwn()
    {
        Assert.Equal("chat.eu.lobby", _names.TopicOf(_names.TopicChannel("chat.eu.lobby")));
        Assert.Null(new RedisNames("other:").TopicOf(_names.TopicChannel("chat")));
    }
}
