using System.Buffers;
using System.Buffers.Binary;
using BenchmarkDotNet.Attributes;
using Broker.Protocol.Framing;

namespace Broker.Benchmarks.Codec;

/// <summary>
/// Header parsing, unmasking and (for text) UTF-8 validation of one masked, unfragmented client frame. The same buffer
/// is read again each time: unmasking toggles the binary payload between two states, both valid; the text frame uses
/// an all-zero key so its payload stays valid UTF-8 while the XOR work is still done.
/// </summary>
[MemoryDiagnoser]
public class MessageReaderBenchmarks
{
    private byte[] _binaryFrame = [];
    private byte[] _textFrame = [];
    private MessageReader _reader = null!;

    [Params(100, 65536)]
    public int PayloadBytes { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var payload = new byte[PayloadBytes];
        for (var i = 0; i < payload.Length; i++)
            payload[i] = (byte)('a' + i % 26);
        _binaryFrame = Frame(0x82, payload, 0x3d21fa37);
        _textFrame = Frame(0x81, payload, 0);
        _reader = new MessageReader(new MessageReaderOptions(1 << 20));
    }

    [GlobalCleanup]
    public void Cleanup() => _reader.Dispose();

    [Benchmark]
    public long ReadBinaryFrame()
    {
        var buffer = new ReadOnlySequence<byte>(_binaryFrame);
        _reader.TryRead(ref buffer, out var message);
        return message.Payload.Length;
    }

    [Benchmark]
    public long ReadTextFrame()
    {
        var buffer = new ReadOnlySequence<byte>(_textFrame);
        _reader.TryRead(ref buffer, out var message);
        return message.Payload.Length;
    }

    private static byte[] Frame(byte first, byte[] payload, int maskKey)
    {
        var header = new List<byte> { first };
        if (payload.Length <= 125)
        {
            header.Add((byte)(0x80 | payload.Length));
        }
        else
        {
            header.Add(0x80 | 126);
            header.Add((byte)(payload.Length >> 8));
            header.Add((byte)payload.Length);
            if (payload.Length > ushort.MaxValue)
            {
                header[^3] = 0x80 | 127;
                header.RemoveRange(header.Count - 2, 2);
                var length = new byte[8];
                BinaryPrimitives.WriteUInt64BigEndian(length, (ulong)payload.Length);
                header.AddRange(length);
            }
        }
        var key = new byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(key, maskKey);
        header.AddRange(key);
        var masked = payload.ToArray();
        Masking.Unmask(masked, maskKey, 0);
        return [.. header, .. masked];
    }
}
