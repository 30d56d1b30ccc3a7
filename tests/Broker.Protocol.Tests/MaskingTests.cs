using System.Buffers.Binary;
using Broker.Protocol.Framing;

namespace Broker.Protocol.Tests;

public class MaskingTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(16)]
    [InlineData(33)]
    [InlineData(64)]
    [InlineData(131)]
    [InlineData(1000)]
    public void Unmask_AnyLengthAndOffset_MatchesBytewiseXor(int length)
    {
        var random = new Random(length);
        byte[] key = [0x37, 0xfa, 0x21, 0x3d];
        var maskKey = BinaryPrimitives.ReadInt32LittleEndian(key);
        for (var offset = 0; offset < 4; offset++)
        {
            var data = new byte[length];
            random.NextBytes(data);
            var expected = data.Select((b, i) => (byte)(b ^ key[(i + offset) % 4])).ToArray();

            var next = Masking.Unmask(data, maskKey, offset);

            Assert.Equal(expected, data);
            Assert.Equal((offset + length) % 4, next);
        }
    }

    [Fact]
    public void Unmask_SplitAtEveryPoint_EqualsWholeUnmask()
    {
        var original = Enumerable.Range(0, 100).Select(i => (byte)i).ToArray();
        var whole = original.ToArray();
        Masking.Unmask(whole, 0x12345678, 0);
        for (var split = 0; split <= original.Length; split++)
        {
            var pieces = original.ToArray();
            var offset = Masking.Unmask(pieces.AsSpan(0, split), 0x12345678, 0);
            Masking.Unmask(pieces.AsSpan(split), 0x12345678, offset);
            Assert.Equal(whole, pieces);
        }
    }
}
