using System.Text;
using Broker.Protocol.Text;

namespace Broker.Protocol.Tests;

public class Utf8ValidatorTests
{
    public static TheoryData<string, byte[], bool> Cases => new()
    {
        { "ascii", "hello"u8.ToArray(), true },
        { "two to four byte sequences", "é€𝄞"u8.ToArray(), true },
        { "empty", [], true },
        { "overlong slash", [0xC0, 0xAF], false },
        { "surrogate", [0xED, 0xA0, 0x80], false },
        { "above U+10FFFF", [0xF4, 0x90, 0x80, 0x80], false },
        { "lone continuation", [0x80], false },
        { "truncated at end", [0x61, 0xE2, 0x82], false },
        { "0xFF", [0xFF], false },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void TryAppend_SplitAtEveryPoint_AgreesWithWholeValidation(string name, byte[] bytes, bool valid)
    {
        for (var split = 0; split <= bytes.Length; split++)
        {
            var validator = new Utf8Validator();
            var result = validator.TryAppend(bytes.AsSpan(0, split), final: false)
                && validator.TryAppend(bytes.AsSpan(split), final: true);
            Assert.True(valid == result, $"{name} split at {split}");
        }
    }

    [Fact]
    public void TryAppend_OneByteAtATime_AcceptsValidText()
    {
        var bytes = Encoding.UTF8.GetBytes("Grüße, 世界 🌍!");
        var validator = new Utf8Validator();
        foreach (var b in bytes)
            Assert.True(validator.TryAppend([b], final: false));
        Assert.True(validator.TryAppend([], final: true));
    }

    [Fact]
    public void TryAppend_InvalidByteMidChunk_FailsWithoutFinal()
    {
        var validator = new Utf8Validator();

        Assert.False(validator.TryAppend([0x61, 0x62, 0xFE, 0x63], final: false));
    }

    [Fact]
    public void TryAppend_PrefixThatCanNeverComplete_FailsAtOnce()
    {
        var validator = new Utf8Validator();
        Assert.True(validator.TryAppend([0xF0], final: false));

        Assert.False(validator.TryAppend([0x41], final: false)); // F0 must be followed by 90..BF
    }

    [Fact]
    public void Reset_AfterPartialCodePoint_StartsClean()
    {
        var validator = new Utf8Validator();
        Assert.True(validator.TryAppend([0xE2, 0x82], final: false));

        validator.Reset();

        Assert.True(validator.TryAppend("ok"u8, final: true));
    }
}
