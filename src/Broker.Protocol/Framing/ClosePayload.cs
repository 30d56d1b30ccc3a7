using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using System.Text.Unicode;

namespace Broker.Protocol.Framing;

/// <summary>
/// The body of a Close frame (RFC 6455 §5.5.1): empty, or a 2-byte big-endian status code followed by a UTF-8 reason,
/// 125 bytes at most in all.
/// </summary>
public static class ClosePayload
{
    /// <summary>Largest Close payload: a control frame carries at most 125 bytes (RFC 6455 §5.5).</summary>
    public const int MaxLength = 125;

    /// <summary>Largest reason in bytes: what is left after the status code.</summary>
    public const int MaxReasonBytes = MaxLength - 2;

    /// <summary>
    /// Reads the code and reason of a received Close frame. An empty payload gives
    /// <see cref="CloseStatus.NoStatusReceived"/> and an empty reason. Returns false when the payload breaks RFC 6455
    /// (one byte, a code not valid on the wire, a reason that is not UTF-8); <see cref="MessageReader"/> already rejects those.
    /// Codes without a named <see cref="CloseStatus"/> member (3000–4999) are returned as their numeric value.
    /// </summary>
    public static bool TryRead(in ReadOnlySequence<byte> payload, out CloseStatus status, out string reason)
    {
        status = CloseStatus.NoStatusReceived;
        reason = string.Empty;
        if (Validate(payload, out _) is not null)
            return false;
        if (payload.IsEmpty)
            return true;
        Span<byte> bytes = stackalloc byte[MaxLength];
        payload.CopyTo(bytes);
        status = (CloseStatus)BinaryPrimitives.ReadUInt16BigEndian(bytes);
        reason = Encoding.UTF8.GetString(bytes[2..(int)payload.Length]);
        return true;
    }

    /// <summary>
    /// Writes a Close payload for <paramref name="status"/> into <paramref name="destination"/> (at least
    /// <see cref="MaxLength"/> bytes) and returns its length. A reason longer than <see cref="MaxReasonBytes"/> in UTF-8
    /// is cut at a character boundary.
    /// </summary>
    public static int Write(Span<byte> destination, CloseStatus status, ReadOnlySpan<char> reason = default)
    {
        BinaryPrimitives.WriteUInt16BigEndian(destination, (ushort)status);
        // With isFinalBlock false a surrogate pair is never split; DestinationTooSmall just stops at the last whole char.
        Utf8.FromUtf16(reason, destination.Slice(2, MaxReasonBytes), out _, out var written, replaceInvalidSequences: true,
            isFinalBlock: false);
        return 2 + written;
    }

    /// <summary>Null when <paramref name="payload"/> is a valid Close body, else the close code to fail with.</summary>
    internal static CloseStatus? Validate(in ReadOnlySequence<byte> payload, out string? problem)
    {
        problem = null;
        switch (payload.Length)
        {
            case 0:
                return null;
            case 1:
                problem = "close payload of one byte";
                return CloseStatus.ProtocolError;
            case > MaxLength:
                problem = "close payload over 125 bytes";
                return CloseStatus.ProtocolError;
        }
        Span<byte> bytes = stackalloc byte[MaxLength];
        payload.CopyTo(bytes);
        if (!CloseStatusRules.IsValidOnWire(BinaryPrimitives.ReadUInt16BigEndian(bytes)))
        {
            problem = "close code not valid on the wire";
            return CloseStatus.ProtocolError;
        }
        if (!Utf8.IsValid(bytes[2..(int)payload.Length]))
        {
            problem = "close reason is not valid UTF-8";
            return CloseStatus.InvalidPayloadData;
        }
        return null;
    }
}
