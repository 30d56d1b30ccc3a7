using System.Text;
using Broker.Protocol.Client;

namespace Broker.Fuzz.Targets;

/// <summary>
/// <see cref="ClientCommandParser"/>. The parser's contract is a UTF-8-valid text message (the codec checked it), so
/// invalid sequences are replaced with U+FFFD first. Invariants: no exception; a valid command has a known type, a
/// topic that passes the naming rules (wildcards only where subscribing allows them), and id and data slices that lie
/// inside the input; an invalid one has an error code and a message.
/// </summary>
internal sealed class CommandParserTarget : IFuzzTarget
{
    public string Name => "commands";

    public IReadOnlyList<byte[]> Seeds { get; } =
    [
        "{\"type\":\"subscribe\",\"topic\":\"chat.*\",\"id\":1}"u8.ToArray(),
        "{\"type\":\"unsubscribe\",\"topic\":\"a.>\",\"id\":\"x\"}"u8.ToArray(),
        "{\"data\":{\"n\":[1,2.5e3,null,true,\"\\u00e9\"]},\"type\":\"publish\",\"topic\":\"news.eu\",\"id\":\"p1\"}"u8.ToArray(),
        "{\"type\":\"ping\",\"id\":7,\"extra\":{\"deep\":[[[[]]]]}}"u8.ToArray(),
        "{\"type\":\"publish\",\"topic\":\"a\",\"data\":\"x\",\"data\":\"y\"}"u8.ToArray(),
        "[\"type\",\"publish\"]"u8.ToArray(),
    ];

    public void Run(ReadOnlySpan<byte> input)
    {
        var text = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(input));
        var command = ClientCommandParser.Parse(text);
        if (!command.IsValid)
        {
            if (command.ErrorMessage is null || !Enum.IsDefined(command.Error))
                throw new FuzzInvariantException("an error without a code or message");
            CheckSlice(command.Id, text.Length, "id");
            return;
        }
        if (command.Type is not (ClientCommandType.Subscribe or ClientCommandType.Unsubscribe or ClientCommandType.Publish
            or ClientCommandType.Ping))
            throw new FuzzInvariantException($"valid command of type {command.Type}");
        if (command.Type != ClientCommandType.Ping
            && TopicName.Validate(command.Topic, allowWildcards: command.Type != ClientCommandType.Publish) is { } reason)
            throw new FuzzInvariantException($"accepted topic breaks the rules: {reason}");
        CheckSlice(command.Id, text.Length, "id");
        CheckSlice(command.Data, text.Length, "data");
    }

    private static void CheckSlice(in System.Buffers.ReadOnlySequence<byte> slice, int inputLength, string name)
    {
        if (slice.Length > inputLength)
            throw new FuzzInvariantException($"{name} is longer than the input");
    }
}
