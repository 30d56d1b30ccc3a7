using System.Buffers;
using System.Text;
using Broker.Protocol.Client;

namespace Broker.Protocol.Tests.Client;

public class ClientCommandParserTests
{
    private static ClientCommand Parse(string json) => ClientCommandParser.Parse(Encoding.UTF8.GetBytes(json).AsMemory());

    private static string Text(ReadOnlySequence<byte> bytes) => Encoding.UTF8.GetString(bytes.ToArray());

    [Theory]
    [InlineData("""{"type":"subscribe","topic":"chat.lobby"}""", ClientCommandType.Subscribe)]
    [InlineData("""{"type":"unsubscribe","topic":"chat.lobby"}""", ClientCommandType.Unsubscribe)]
    [InlineData("""{"type":"publish","topic":"chat.lobby","data":1}""", ClientCommandType.Publish)]
    [InlineData("""{"type":"ping"}""", ClientCommandType.Ping)]
    [InlineData("""{"type":"presence","topic":"chat.lobby"}""", ClientCommandType.Presence)]
    [InlineData("""{"type":"presence_stats","topic":"chat.lobby"}""", ClientCommandType.PresenceStats)]
    public void Parse_ValidCommand_ReturnsType(string json, ClientCommandType type)
    {
        var command = Parse(json);

        Assert.True(command.IsValid, command.ErrorMessage);
        Assert.Equal(type, command.Type);
        Assert.False(command.HasId);
    }

    [Theory]
    [InlineData("presence")]
    [InlineData("presence_stats")]
    public void Parse_PresenceOnWildcard_BadRequest(string type)
    {
        var command = Parse($$"""{"type":"{{type}}","id":1,"topic":"chat.*"}""");

        Assert.Equal(ClientError.BadRequest, command.Error);
        Assert.True(command.HasId);
    }

    [Fact]
    public void Parse_Subscribe_ReturnsTopic()
    {
        var command = Parse("""{"type":"subscribe","id":1,"topic":"chat.*"}""");

        Assert.Equal("chat.*", command.Topic);
    }

    [Theory]
    [InlineData("1")]
    [InlineData("-12.5e3")]
    [InlineData("\"abc\"")]
    [InlineData("\"a\\u0041\\\"b\"")]
    [InlineData("\"\"")]
    [InlineData("12345678901234567890123456789")]
    public void Parse_Id_KeepsRawJson(string id)
    {
        var command = Parse($$"""{"type":"ping","id":{{id}}}""");

        Assert.True(command.IsValid);
        Assert.True(command.HasId);
        Assert.Equal(id, Text(command.Id));
    }

    [Theory]
    [InlineData("{\"nick\":\"ann\",\"text\":\"hi\"}")]
    [InlineData("{ \"a\" : [ 1 , 2 , { \"b\" : null } ] ,\n\t\"c\":\"\\u00e9\\n\" }")]
    [InlineData("\"caf\u00e9 \u2603 \ud83d\ude00\"")]
    [InlineData("\"esc \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\ud83d\\ude00\"")]
    [InlineData("[]")]
    [InlineData("null")]
    [InlineData("true")]
    [InlineData("-0.5E+10")]
    [InlineData("[[[[{\"deep\":[{\"x\":{}}]}]]]]")]
    public void Parse_PublishData_KeepsBytesExactly(string data)
    {
        var json = "{\"type\":\"publish\",\"topic\":\"t\",\"data\":" + data + "}";

        var command = Parse(json);
        var split = ClientCommandParser.Parse(TestSequence.Split(Encoding.UTF8.GetBytes(json), 1));

        Assert.True(command.IsValid, command.ErrorMessage);
        Assert.Equal(Encoding.UTF8.GetBytes(data), command.Data.ToArray());
        Assert.Equal(Encoding.UTF8.GetBytes(data), split.Data.ToArray());
    }

    [Theory]
    [InlineData(126, ClientError.None)]  // 126 characters + 2 quotes = 128 bytes: allowed
    [InlineData(127, ClientError.BadRequest)]
    [InlineData(100_000, ClientError.BadRequest)]
    public void Parse_LongId_BadRequestWithoutEchoingIt(int length, ClientError expected)
    {
        var command = Parse("{\"type\":\"ping\",\"id\":\"" + new string('i', length) + "\"}");

        Assert.Equal(expected, command.Error);
        if (expected != ClientError.None)
        {
            Assert.True(command.Id.IsEmpty);
            Assert.Equal("'id' is longer than 128 bytes", command.ErrorMessage);
        }
    }

    [Fact]
    public void Parse_HugeTopic_ReturnsBadTopic()
    {
        var command = Parse("{\"type\":\"subscribe\",\"topic\":\"" + new string('a', 100_000) + "\"}");

        Assert.Equal(ClientError.BadTopic, command.Error);
        Assert.Equal("topic is longer than 200 characters", command.ErrorMessage);
    }

    [Fact]
    public void Parse_KeysInAnyOrder_DataBeforeType_ReturnsCommand()
    {
        var command = Parse("""{"data":{"x":[1,{"type":"ping"}]},"id":"q","topic":"a.b","type":"publish"}""");

        Assert.True(command.IsValid, command.ErrorMessage);
        Assert.Equal(ClientCommandType.Publish, command.Type);
        Assert.Equal("a.b", command.Topic);
        Assert.Equal("\"q\"", Text(command.Id));
        Assert.Equal("""{"x":[1,{"type":"ping"}]}""", Text(command.Data));
    }

    [Fact]
    public void Parse_UnknownKeys_AreIgnored()
    {
        var command = Parse("""{"extra":{"type":"nope"},"type":"subscribe","more":[1],"topic":"x"}""");

        Assert.True(command.IsValid, command.ErrorMessage);
        Assert.Equal(ClientCommandType.Subscribe, command.Type);
    }

    [Fact]
    public void Parse_EscapedKeysAndTopic_AreUnescaped()
    {
        var command = Parse("""{"\u0074ype":"sub\u0073cribe","topic":"a\u002Eb"}""");

        Assert.True(command.IsValid, command.ErrorMessage);
        Assert.Equal("a.b", command.Topic);
    }

    [Fact]
    public void Parse_PayloadSplitAcrossSegments_KeepsDataAndId()
    {
        var json = Encoding.UTF8.GetBytes("""{"type":"publish","id":"abc","topic":"a.b","data":{"k":"vvvvvvvv"}}""");
        var sequence = TestSequence.Split(json, 1);

        var command = ClientCommandParser.Parse(sequence);

        Assert.True(command.IsValid, command.ErrorMessage);
        Assert.Equal("\"abc\"", Text(command.Id));
        Assert.Equal("""{"k":"vvvvvvvv"}""", Text(command.Data));
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("{")]
    [InlineData("{\"type\":\"ping\"")]
    [InlineData("[1,2]")]
    [InlineData("\"ping\"")]
    [InlineData("42")]
    [InlineData("null")]
    [InlineData("{\"type\":\"ping\"} {}")]
    [InlineData("{\"type\":\"ping\"}x")]
    [InlineData("{'type':'ping'}")]
    [InlineData("{\"type\":\"ping\",}")]
    [InlineData("{\"type\":\"publish\",\"topic\":\"a\",\"data\":[1,}")]
    public void Parse_NotOneJsonObject_ReturnsBadJson(string json)
    {
        var command = Parse(json);

        Assert.Equal(ClientError.BadJson, command.Error);
        Assert.False(command.IsValid);
        Assert.NotNull(command.ErrorMessage);
    }

    [Fact]
    public void Parse_TooDeepData_ReturnsBadJson()
    {
        var data = new string('[', 100) + new string(']', 100);

        var command = Parse("{\"type\":\"publish\",\"topic\":\"a\",\"data\":" + data + "}");

        Assert.Equal(ClientError.BadJson, command.Error);
    }

    [Fact]
    public void Parse_BadJsonAfterId_ErrorCarriesId()
    {
        var command = Parse("""{"id":7,"type":"ping",""");

        Assert.Equal(ClientError.BadJson, command.Error);
        Assert.Equal("7", Text(command.Id));
    }

    [Theory]
    [InlineData("""{"id":1}""", "'type' is missing")]
    [InlineData("""{"id":1,"type":5}""", "'type' must be a string")]
    [InlineData("""{"id":1,"type":null}""", "'type' must be a string")]
    [InlineData("""{"id":1,"type":"subscribe"}""", "'topic' is missing")]
    [InlineData("""{"id":1,"type":"unsubscribe","topic":["a"]}""", "'topic' must be a string")]
    [InlineData("""{"id":1,"type":"publish","topic":"a"}""", "'data' is missing")]
    [InlineData("""{"id":1,"type":"publish","topic":"a","data":1,"data":2}""", "'data' is given more than once")]
    [InlineData("""{"id":1,"type":"ping","type":"ping"}""", "'type' is given more than once")]
    [InlineData("""{"id":1,"type":"subscribe","topic":"a","topic":"b"}""", "'topic' is given more than once")]
    public void Parse_MissingOrWrongField_ReturnsBadRequestWithId(string json, string message)
    {
        var command = Parse(json);

        Assert.Equal(ClientError.BadRequest, command.Error);
        Assert.Equal(message, command.ErrorMessage);
        Assert.Equal("1", Text(command.Id));
    }

    [Theory]
    [InlineData("""{"type":"ping","id":{"a":1}}""")]
    [InlineData("""{"type":"ping","id":[1]}""")]
    [InlineData("""{"type":"ping","id":true}""")]
    [InlineData("""{"type":"ping","id":null}""")]
    public void Parse_IdNotNumberOrString_ReturnsBadRequestWithoutId(string json)
    {
        var command = Parse(json);

        Assert.Equal(ClientError.BadRequest, command.Error);
        Assert.False(command.HasId);
    }

    [Fact]
    public void Parse_DuplicateId_ReturnsBadRequest()
    {
        var command = Parse("""{"type":"ping","id":1,"id":2}""");

        Assert.Equal(ClientError.BadRequest, command.Error);
    }

    [Theory]
    [InlineData("""{"id":"x","type":"Subscribe","topic":"a"}""")]
    [InlineData("""{"id":"x","type":"","topic":"a"}""")]
    [InlineData("""{"id":"x","type":"publishx","topic":"a"}""")]
    public void Parse_UnknownType_ReturnsUnknownTypeWithId(string json)
    {
        var command = Parse(json);

        Assert.Equal(ClientError.UnknownType, command.Error);
        Assert.Equal("\"x\"", Text(command.Id));
    }

    [Theory]
    [InlineData("subscribe", "chat..lobby", "topic segment 2 is empty")]
    [InlineData("subscribe", "", "topic is empty")]
    [InlineData("unsubscribe", "chat lobby", "topic character 5 is not allowed")]
    [InlineData("subscribe", "chat.>.x", "'>' must be the last segment")]
    [InlineData("publish", "chat.*", "publish needs a concrete topic, not a wildcard")]
    [InlineData("publish", "chat.>", "publish needs a concrete topic, not a wildcard")]
    public void Parse_InvalidTopic_ReturnsBadTopicWithId(string type, string topic, string message)
    {
        var command = Parse($$"""{"id":9,"type":"{{type}}","topic":"{{topic}}","data":0}""");

        Assert.Equal(ClientError.BadTopic, command.Error);
        Assert.Equal(message, command.ErrorMessage);
        Assert.Equal("9", Text(command.Id));
        Assert.Null(command.Topic);
    }

    [Fact]
    public void Parse_DataOnSubscribe_IsIgnored()
    {
        var command = Parse("""{"type":"subscribe","topic":"a","data":{"x":1}}""");

        Assert.True(command.IsValid);
        Assert.True(command.Data.IsEmpty);
    }
}
