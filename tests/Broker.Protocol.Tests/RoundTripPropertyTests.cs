using System.Text;
using Broker.Protocol.Compression;
using Broker.Protocol.Framing;
using Broker.Protocol.Tests.Support;

namespace Broker.Protocol.Tests;

/// <summary>
/// Seeded random round trips: random messages, split into random fragments with pings between them, masked with random
/// keys, optionally compressed, fed in random chop sizes down to one byte. The reader must return exactly what was sent.
/// </summary>
public class RoundTripPropertyTests
{
    private const int Iterations = 150;

    public static TheoryData<string, DeflateParameters?> Modes => new()
    {
        { "plain", null },
        { "deflate with context takeover", new DeflateParameters(false, false, 15, 15) },
        { "deflate without client context takeover", new DeflateParameters(false, true, 15, 15) },
        { "deflate with 9-bit client window", new DeflateParameters(false, false, 15, 9) },
    };

    [Theory]
    [MemberData(nameof(Modes))]
    public void TryRead_RandomTraffic_ReturnsEveryMessageIntact(string mode, DeflateParameters? deflate)
    {
        for (var seed = 0; seed < Iterations; seed++)
        {
            var random = new Random(seed);
            using var clientDeflater = deflate is null ? null : new Deflater(deflate.ClientMaxWindowBits);
            var expected = new List<(OpCode, byte[])>();
            var stream = new List<byte>();
            var count = random.Next(1, 8);
            for (var m = 0; m < count; m++)
                stream.AddRange(RandomMessage(random, clientDeflater, deflate, expected));

            var chops = Enumerable.Range(0, 64).Select(_ => random.Next(4) == 0 ? 1 : random.Next(1, 300)).ToList();
            using var reader = new MessageReader(new MessageReaderOptions(1 << 20, deflate));
            var received = ReaderHarness.ReadAll(reader, stream.ToArray(), chops);

            Assert.True(expected.Count == received.Count, $"{mode}, seed {seed}: message count");
            for (var i = 0; i < expected.Count; i++)
            {
                Assert.True(expected[i].Item1 == received[i].OpCode, $"{mode}, seed {seed}, message {i}: opcode");
                Assert.True(expected[i].Item2.AsSpan().SequenceEqual(received[i].Payload), $"{mode}, seed {seed}, message {i}: payload");
            }
        }
    }

    private static List<byte> RandomMessage(Random random, Deflater? deflater, DeflateParameters? deflate,
        List<(OpCode, byte[])> expected)
    {
        var isText = random.Next(2) == 0;
        var payload = isText ? RandomText(random) : RandomBinary(random);
        var opCode = isText ? OpCode.Text : OpCode.Binary;

        var compress = deflater is not null && random.Next(4) != 0;
        byte[] wire = payload;
        if (compress)
        {
            byte[]? body = null;
            var length = deflater!.Compress(payload, forgetContext: deflate!.ClientNoContextTakeover, ref body);
            wire = body![..length];
        }

        var bytes = new List<byte>();
        var fragments = SplitRandomly(random, wire);
        for (var f = 0; f < fragments.Count; f++)
        {
            var key = new byte[4];
            random.NextBytes(key);
            var first = f == 0;
            bytes.AddRange(ClientFrames.Frame(first ? opCode : OpCode.Continuation, fragments[f], fin: f == fragments.Count - 1,
                rsv1: first && compress, maskKey: key));
            if (f < fragments.Count - 1 && random.Next(3) == 0)
            {
                var ping = new byte[random.Next(126)];
                random.NextBytes(ping);
                bytes.AddRange(ClientFrames.Frame(OpCode.Ping, ping, maskKey: key));
                expected.Add((OpCode.Ping, ping));
            }
        }
        expected.Add((opCode, payload));
        return bytes;
    }

    private static List<byte[]> SplitRandomly(Random random, byte[] data)
    {
        var pieces = new List<byte[]>();
        var count = random.Next(3) == 0 ? 1 : random.Next(1, 6);
        var position = 0;
        for (var i = 0; i < count - 1; i++)
        {
            var size = random.Next(0, data.Length - position + 1);
            pieces.Add(data[position..(position + size)]);
            position += size;
        }
        pieces.Add(data[position..]);
        return pieces;
    }

    private static byte[] RandomText(Random random)
    {
        string[] alphabet = ["a", "b", " ", "é", "ß", "€", "世", "界", "𝄞", "🌍", "\n"];
        var builder = new StringBuilder();
        var length = random.Next(4) == 0 ? random.Next(2000, 70000) : random.Next(0, 200);
        while (builder.Length < length)
            builder.Append(alphabet[random.Next(alphabet.Length)]);
        return Encoding.UTF8.GetBytes(builder.ToString());
    }

    private static byte[] RandomBinary(Random random)
    {
        var data = new byte[random.Next(4) == 0 ? random.Next(126, 70000) : random.Next(0, 130)];
        // Half random (incompressible), half repetitive (compressible).
        if (random.Next(2) == 0)
            random.NextBytes(data);
        else
            for (var i = 0; i < data.Length; i++)
                data[i] = (byte)(i % 13);
        return data;
    }
}
