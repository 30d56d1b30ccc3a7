using System.Buffers.Binary;

namespace Broker.Fuzz;

/// <summary>
/// Deterministic structured mutation: from a seed (or a kept input), stacks one to four edits that target what the
/// parsers branch on: bit flips, boundary bytes (0x7E/0x7F length markers, 0x80 mask/FIN bits, JSON punctuation),
/// big-endian boundary numbers over length fields, inserted, deleted, repeated and spliced ranges, truncation.
/// </summary>
public sealed class Mutator(int seed, int maxLength)
{
    private static readonly byte[] InterestingBytes =
        [0x00, 0x01, 0x7D, 0x7E, 0x7F, 0x80, 0x81, 0x88, 0x89, 0x8A, 0xC1, 0xFF, (byte)'"', (byte)'{', (byte)'}',
         (byte)'[', (byte)']', (byte)',', (byte)':', (byte)'\\', (byte)'*', (byte)'>', (byte)'.', (byte)'=', (byte)';'];

    private static readonly ulong[] InterestingNumbers =
        [0, 1, 125, 126, 127, 128, 255, 256, 65535, 65536, 1 << 20, int.MaxValue, uint.MaxValue, long.MaxValue, ulong.MaxValue];

    private readonly Random _random = new(seed);

    public Random Random => _random;

    public byte[] Mutate(byte[] input, IReadOnlyList<byte[]> pool)
    {
        var data = new List<byte>(input);
        var edits = 1 + _random.Next(4);
        for (var i = 0; i < edits; i++)
            Edit(data, pool);
        if (data.Count > maxLength)
            data.RemoveRange(maxLength, data.Count - maxLength);
        return data.ToArray();
    }

    private void Edit(List<byte> data, IReadOnlyList<byte[]> pool)
    {
        var at = data.Count == 0 ? 0 : _random.Next(data.Count);
        switch (_random.Next(8))
        {
            case 0 when data.Count > 0:
                data[at] ^= (byte)(1 << _random.Next(8));
                break;
            case 1 when data.Count > 0:
                data[at] = InterestingBytes[_random.Next(InterestingBytes.Length)];
                break;
            case 2:
                for (var n = 1 + _random.Next(8); n > 0; n--)
                    data.Insert(at, (byte)_random.Next(256));
                break;
            case 3 when data.Count > 0:
                data.RemoveRange(at, Math.Min(data.Count - at, 1 + _random.Next(16)));
                break;
            case 4 when data.Count > 0:
            {
                var length = Math.Min(data.Count - at, 1 + _random.Next(32));
                var range = data.GetRange(at, length);
                for (var n = 1 + _random.Next(4); n > 0 && data.Count < maxLength; n--)
                    data.InsertRange(at, range);
                break;
            }
            case 5:
            {
                var donor = pool[_random.Next(pool.Count)];
                if (donor.Length == 0)
                    break;
                var start = _random.Next(donor.Length);
                var length = Math.Min(donor.Length - start, 1 + _random.Next(64));
                data.InsertRange(at, donor.AsSpan(start, length).ToArray());
                break;
            }
            case 6 when data.Count > 0:
            {
                Span<byte> number = stackalloc byte[8];
                BinaryPrimitives.WriteUInt64BigEndian(number, InterestingNumbers[_random.Next(InterestingNumbers.Length)]);
                var width = _random.Next(2) == 0 ? 2 : 8;
                for (var k = 0; k < width && at + k < data.Count; k++)
                    data[at + k] = number[8 - width + k];
                break;
            }
            case 7 when data.Count > 0:
                data.RemoveRange(at, data.Count - at);
                break;
            default:
                data.Insert(at, (byte)_random.Next(256));
                break;
        }
    }
}
