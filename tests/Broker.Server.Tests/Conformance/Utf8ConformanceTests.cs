using Broker.Protocol.Framing;

namespace Broker.Server.Tests.Conformance;

/// <summary>
/// Autobahn 6.x: text messages must be valid UTF-8 (RFC 6455 §8.1, RFC 3629), judged across fragment boundaries, and
/// invalid text fails with 1007 as soon as the first bad byte arrives, before the message is finished. The byte
/// sequences are Markus Kuhn's UTF-8 decoder stress test, as Autobahn uses them.
/// </summary>
public sealed class Utf8ConformanceTests(EchoNode node) : IClassFixture<EchoNode>
{
    public enum Delivery
    {
        OneFrame,
        OneFragmentPerByte,
        OneFramePerByteWrite,
    }

    public sealed record Case(string Id, string Title, byte[] Text, Delivery Delivery)
    {
        public override string ToString() => $"{Id} {Title} ({Delivery})";
    }

    private static readonly (string Id, string Title, byte[] Text)[] ValidTexts =
    [
        ("6.1.1", "empty", []),
        ("6.2.1", "Hello-µ@ßöäüàá-UTF-8!!", Peer.Utf8("Hello-µ@ßöäüàá-UTF-8!!")),
        ("6.5.1", "κόσμε", [0xCE, 0xBA, 0xE1, 0xBD, 0xB9, 0xCF, 0x83, 0xCE, 0xBC, 0xCE, 0xB5]),
        ("6.5.x", "4-byte code points", Peer.Utf8("emoji 😀🌍 and 𝄞")),
        ("6.7.1", "U+0000", [0x00]),
        ("6.7.2", "U+0080", [0xC2, 0x80]),
        ("6.7.3", "U+0800", [0xE0, 0xA0, 0x80]),
        ("6.7.4", "U+10000", [0xF0, 0x90, 0x80, 0x80]),
        ("6.11.1", "U+007F", [0x7F]),
        ("6.11.2", "U+07FF", [0xDF, 0xBF]),
        ("6.11.3", "U+FFFF", [0xEF, 0xBF, 0xBF]),
        ("6.11.4", "U+10FFFF", [0xF4, 0x8F, 0xBF, 0xBF]),
        ("6.11.5", "U+D7FF, before the surrogates", [0xED, 0x9F, 0xBF]),
        ("6.11.x", "U+E000, after the surrogates", [0xEE, 0x80, 0x80]),
        ("6.22.1", "noncharacter U+FFFE", [0xEF, 0xBF, 0xBE]),
        ("6.22.x", "noncharacter U+10FFFE", [0xF4, 0x8F, 0xBF, 0xBE]),
        ("6.23.1", "U+FFFD", [0xEF, 0xBF, 0xBD]),
    ];

    private static readonly (string Id, string Title, byte[] Text)[] InvalidTexts =
    [
        ("6.3.1", "κόσμε, then a surrogate", [0xCE, 0xBA, 0xE1, 0xBD, 0xB9, 0xCF, 0x83, 0xCE, 0xBC, 0xCE, 0xB5, 0xED, 0xA0, 0x80, 0x65, 0x64]),
        ("6.6.1", "lead byte alone", [0xCE]),
        ("6.6.3", "κ, then a lead byte alone", [0xCE, 0xBA, 0xE1]),
        ("6.8.1", "5-byte sequence", [0xF8, 0x88, 0x80, 0x80, 0x80]),
        ("6.8.2", "6-byte sequence", [0xFC, 0x84, 0x80, 0x80, 0x80, 0x80]),
        ("6.10.1", "U+110000, above U+10FFFF", [0xF4, 0x90, 0x80, 0x80]),
        ("6.10.2", "U+1FFFFF", [0xF7, 0xBF, 0xBF, 0xBF]),
        ("6.10.3", "5-byte U+3FFFFFF", [0xFB, 0xBF, 0xBF, 0xBF, 0xBF]),
        ("6.12.1", "lone continuation 0x80", [0x80]),
        ("6.12.2", "lone continuation 0xBF", [0xBF]),
        ("6.12.3", "two continuations", [0x80, 0xBF]),
        ("6.12.8", "seven continuations", [0x80, 0xBF, 0x80, 0xBF, 0x80, 0xBF, 0x80]),
        ("6.13.1", "2-byte lead then space", [0xC0, 0x20, 0xC1, 0x20]),
        ("6.13.2", "3-byte lead then space", [0xE0, 0x20, 0xE1, 0x20]),
        ("6.13.3", "4-byte lead then space", [0xF0, 0x20, 0xF1, 0x20]),
        ("6.13.4", "5-byte lead then space", [0xF8, 0x20, 0xF9, 0x20]),
        ("6.13.5", "6-byte lead then space", [0xFC, 0x20, 0xFD, 0x20]),
        ("6.14.1", "2-byte sequence missing its last byte", [0xC2]),
        ("6.14.2", "3-byte sequence missing its last byte", [0xE0, 0x80]),
        ("6.14.3", "4-byte sequence missing its last byte", [0xF0, 0x80, 0x80]),
        ("6.14.6", "U+07FF missing its last byte", [0xDF]),
        ("6.14.7", "U+FFFF missing its last byte", [0xEF, 0xBF]),
        ("6.14.8", "U+1FFFFF missing its last byte", [0xF7, 0xBF, 0xBF]),
        ("6.15.1", "incomplete sequences concatenated", [0xC0, 0xE0, 0x80, 0xF0, 0x80, 0x80, 0xF8, 0x80, 0x80, 0x80, 0xFC, 0x80, 0x80, 0x80, 0x80, 0xDF, 0xEF, 0xBF, 0xF7, 0xBF, 0xBF, 0xFB, 0xBF, 0xBF, 0xBF, 0xFD, 0xBF, 0xBF, 0xBF, 0xBF]),
        ("6.16.1", "impossible byte 0xFE", [0xFE]),
        ("6.16.2", "impossible byte 0xFF", [0xFF]),
        ("6.16.3", "impossible bytes FE FE FF FF", [0xFE, 0xFE, 0xFF, 0xFF]),
        ("6.17.1", "overlong '/' in 2 bytes", [0xC0, 0xAF]),
        ("6.17.2", "overlong '/' in 3 bytes", [0xE0, 0x80, 0xAF]),
        ("6.17.3", "overlong '/' in 4 bytes", [0xF0, 0x80, 0x80, 0xAF]),
        ("6.18.1", "largest overlong in 2 bytes", [0xC1, 0xBF]),
        ("6.18.2", "largest overlong in 3 bytes", [0xE0, 0x9F, 0xBF]),
        ("6.18.3", "largest overlong in 4 bytes", [0xF0, 0x8F, 0xBF, 0xBF]),
        ("6.19.1", "overlong NUL in 2 bytes", [0xC0, 0x80]),
        ("6.19.2", "overlong NUL in 3 bytes", [0xE0, 0x80, 0x80]),
        ("6.19.3", "overlong NUL in 4 bytes", [0xF0, 0x80, 0x80, 0x80]),
        ("6.20.1", "surrogate U+D800", [0xED, 0xA0, 0x80]),
        ("6.20.2", "surrogate U+DB7F", [0xED, 0xAD, 0xBF]),
        ("6.20.4", "surrogate U+DBFF", [0xED, 0xAF, 0xBF]),
        ("6.20.5", "surrogate U+DC00", [0xED, 0xB0, 0x80]),
        ("6.20.7", "surrogate U+DFFF", [0xED, 0xBF, 0xBF]),
        ("6.21.1", "surrogate pair U+D800 U+DC00", [0xED, 0xA0, 0x80, 0xED, 0xB0, 0x80]),
        ("6.21.8", "surrogate pair U+DBFF U+DFFF", [0xED, 0xAF, 0xBF, 0xED, 0xBF, 0xBF]),
    ];

    private static TheoryData<Case> Expand((string Id, string Title, byte[] Text)[] texts)
    {
        var data = new TheoryData<Case>();
        foreach (var delivery in Enum.GetValues<Delivery>())
        {
            foreach (var (id, title, text) in texts)
                data.Add(new(id, title, text, delivery));
        }
        return data;
    }

    public static TheoryData<Case> Valid() => Expand(ValidTexts);

    public static TheoryData<Case> Invalid() => Expand(InvalidTexts);

    [Theory]
    [MemberData(nameof(Valid))]
    public async Task ValidText_AnyFraming_EchoedVerbatim(Case c)
    {
        await using var client = await node.OpenAsync();

        await SendAsync(client, c);

        await Peer.ExpectAsync(client, OpCode.Text, c.Text);
        await Peer.CloseCleanlyAsync(client);
    }

    [Theory]
    [MemberData(nameof(Invalid))]
    public async Task InvalidText_AnyFraming_FailsWith1007(Case c)
    {
        await using var client = await node.OpenAsync();

        await Peer.SendIgnoringResetAsync(() => SendAsync(client, c));

        await Peer.ExpectCloseAsync(client, 1007);
    }

    // 6.4.1/6.4.2 as fragments (frames), 6.4.3/6.4.4 as chops of one frame: part 1 is valid, part 2 makes the text
    // invalid, part 3 (valid again) is only sent if the server has not failed the connection by then.
    [Theory]
    [InlineData("6.4.1", false, new byte[] { 0xF4, 0x90, 0x80, 0x80 })]
    [InlineData("6.4.2", false, new byte[] { 0x90 })]
    [InlineData("6.4.3", true, new byte[] { 0xF4, 0x90, 0x80, 0x80 })]
    [InlineData("6.4.4", true, new byte[] { 0x90 })]
    public async Task InvalidText_MessageUnfinished_FailsWith1007BeforeTheRestIsSent(string id, bool oneFrame, byte[] part2)
    {
        await using var client = await node.OpenAsync();
        byte[] part1 = [0xCE, 0xBA, 0xE1, 0xBD, 0xB9, 0xCF, 0x83, 0xCE, 0xBC, 0xCE, 0xB5, .. (part2.Length == 1 ? new byte[] { 0xF4 } : [])];
        var part3 = Peer.Utf8("edited");

        if (oneFrame)
        {
            var frame = Peer.Frame(OpCode.Text, [.. part1, .. part2, .. part3]);
            var headerAndPart1 = frame.Length - part2.Length - part3.Length;
            await client.WriteAsync(frame[..headerAndPart1]);
            await client.WriteAsync(frame[headerAndPart1..^part3.Length]);
        }
        else
        {
            await client.WriteAsync(Peer.Frame(OpCode.Text, part1, fin: false));
            await client.WriteAsync(Peer.Frame(OpCode.Continuation, part2, fin: false));
        }

        Assert.True(1007 == await client.ReadCloseCodeAsync(), $"{id}: the server must fail before the message is finished");
        await client.ExpectTcpClosedWithNothingMoreAsync();
    }

    private static async Task SendAsync(Support.RawClient client, Case c)
    {
        switch (c.Delivery)
        {
            case Delivery.OneFrame:
                await client.WriteAsync(Peer.Frame(OpCode.Text, c.Text));
                break;
            case Delivery.OneFramePerByteWrite:
                await client.WriteChoppedAsync(Peer.Frame(OpCode.Text, c.Text), 1);
                break;
            default:
                // 6.2.4/6.3.2 style: every byte its own fragment, so every code point straddles frames.
                var frames = new List<byte>(Peer.Frame(OpCode.Text, [], fin: false));
                for (var i = 0; i < c.Text.Length; i++)
                    frames.AddRange(Peer.Frame(OpCode.Continuation, [c.Text[i]], fin: i == c.Text.Length - 1));
                if (c.Text.Length == 0)
                    frames.AddRange(Peer.Frame(OpCode.Continuation, []));
                await client.WriteAsync(frames.ToArray());
                break;
        }
    }
}
