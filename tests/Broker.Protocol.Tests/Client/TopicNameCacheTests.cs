using System.Text;
using Broker.Protocol.Client;

namespace Broker.Protocol.Tests.Client;

/// <summary>The parser's per-thread topic strings: the same name is one string, and a cached string is never a wrong one.</summary>
public sealed class TopicNameCacheTests
{
    [Fact]
    public void Parse_SameTopicTwice_ReturnsTheSameStringInstance()
    {
        var first = TopicOf("room.42");
        var second = TopicOf("room.42");

        Assert.Equal("room.42", first);
        Assert.Same(first, second);
    }

    [Fact]
    public void Parse_TenThousandDistinctNamesTwiceEach_EveryNameDecodesToItself()
    {
        // Ten times the entries: most slots are shared by several names, each evicting the other.
        var names = Enumerable.Range(0, 10_000).Select(i => $"tenant{i % 97}.room{i}").ToArray();

        var decoded = names.Concat(names).Select(name => TopicOf(name)).ToArray();

        Assert.Equal(names.Concat(names), decoded);
    }

    [Fact]
    public void Parse_EscapedName_DecodesTheEscape()
    {
        var plain = TopicOf("room");

        Assert.Equal("room", TopicOf("""ro\u006fm"""));
        Assert.Equal("room", plain);
        Assert.Same(plain, TopicOf("room"));
    }

    [Theory]
    [InlineData(TopicNameCache.MaxBytes)]
    [InlineData(TopicNameCache.MaxBytes + 1)]
    [InlineData(TopicName.MaxLength)]
    public void Parse_LongName_DecodesWhole(int length)
    {
        var name = string.Concat(Enumerable.Range(0, length).Select(i => (char)('a' + i % 26)));

        Assert.Equal(name, TopicOf(name));
        Assert.Equal(name, TopicOf(name));
    }

    [Fact]
    public void Parse_NameSplitAcrossSegments_DecodesWhole()
    {
        var json = Encoding.UTF8.GetBytes("""{"type":"subscribe","topic":"chat.lobby"}""");

        Assert.Equal("chat.lobby", ClientCommandParser.Parse(TestSequence.Split(json, 33)).Topic);
    }

    [Fact]
    public void Get_NonAsciiBytes_NotCached()
    {
        var utf8 = Encoding.UTF8.GetBytes("café");

        Assert.Null(TopicNameCache.Get(utf8));
        Assert.Null(TopicNameCache.Get(utf8));
    }

    private static string? TopicOf(string jsonName) =>
        ClientCommandParser.Parse(Encoding.UTF8.GetBytes($$"""{"type":"subscribe","topic":"{{jsonName}}"}""").AsMemory()).Topic;
}
