using Broker.Protocol.Client;

namespace Broker.Protocol.Tests.Client;

public class TopicNameTests
{
    [Theory]
    [InlineData("a")]
    [InlineData("chat.lobby")]
    [InlineData("A-Z_a-z.0-9:@")]
    [InlineData("orders.eu-west.user@example:42")]
    public void Validate_ConcreteTopic_IsValidEverywhere(string topic)
    {
        Assert.Null(TopicName.Validate(topic, allowWildcards: false));
        Assert.Null(TopicName.Validate(topic, allowWildcards: true));
        Assert.False(TopicName.IsPattern(topic));
    }

    [Theory]
    [InlineData("*")]
    [InlineData(">")]
    [InlineData("chat.*")]
    [InlineData("chat.>")]
    [InlineData("*.lobby")]
    [InlineData("*.*.>")]
    public void Validate_Pattern_IsValidOnlyForSubscriptions(string pattern)
    {
        Assert.Null(TopicName.Validate(pattern, allowWildcards: true));
        Assert.NotNull(TopicName.Validate(pattern, allowWildcards: false));
        Assert.True(TopicName.IsPattern(pattern));
    }

    [Theory]
    [InlineData("", "topic is empty")]
    [InlineData(".", "topic segment 1 is empty")]
    [InlineData("a.", "topic segment 2 is empty")]
    [InlineData(".a", "topic segment 1 is empty")]
    [InlineData("a..b", "topic segment 2 is empty")]
    [InlineData("a b", "topic character 2 is not allowed")]
    [InlineData("a/b", "topic character 2 is not allowed")]
    [InlineData("caf\u00e9", "topic character 4 is not allowed")]
    [InlineData("a\"b", "topic character 2 is not allowed")]
    [InlineData("a\\b", "topic character 2 is not allowed")]
    [InlineData("a.b*", "topic segment 2 mixes a wildcard with other characters")]
    [InlineData("a.>>", "topic segment 2 mixes a wildcard with other characters")]
    [InlineData(">.a", "'>' must be the last segment")]
    [InlineData("a.>.*", "'>' must be the last segment")]
    public void Validate_BrokenRule_ReturnsReason(string name, string reason)
    {
        Assert.Equal(reason, TopicName.Validate(name, allowWildcards: true));
    }

    [Fact]
    public void Validate_LengthLimit_Allows200AndRejects201()
    {
        Assert.Null(TopicName.Validate(new string('a', 200), allowWildcards: false));
        Assert.Equal("topic is longer than 200 characters", TopicName.Validate(new string('a', 201), allowWildcards: false));
    }
}
