using System.Buffers;
using System.Text;
using System.Text.Unicode;

namespace Broker.Protocol.Text;

/// <summary>
/// Incremental UTF-8 validation for a text message that arrives in pieces (fragments, inflated chunks). Between pieces it
/// keeps only the unfinished code point (at most 3 bytes), so a sequence split across fragments is judged as a whole,
/// and a piece that can never become valid fails at once rather than at the end of the message (RFC 6455 §8.1).
/// A default instance is ready to use.
/// </summary>
public struct Utf8Validator
{
    private uint _pending;      // up to 3 bytes of an unfinished code point, first byte lowest
    private int _pendingLength;

    /// <summary>
    /// Validates the next piece of the message. Returns false as soon as the bytes seen so far cannot be valid UTF-8,
    /// or when <paramref name="final"/> is true and the message ends inside a code point.
    /// </summary>
    /// <param name="chunk">The next bytes of the message, in order.</param>
    /// <param name="final">True when <paramref name="chunk"/> is the last piece of the message.</param>
    public bool TryAppend(ReadOnlySpan<byte> chunk, bool final)
    {
        if (_pendingLength > 0 && !TryCompletePending(ref chunk))
            return false;
        if (_pendingLength > 0)
            return !final; // the chunk was used up and the code point is still unfinished

        // Only the last code point may be unfinished: validate everything before it once, then judge it on its own.
        var tailStart = final ? chunk.Length : UnfinishedTailStart(chunk);
        if (!Utf8.IsValid(chunk[..tailStart]))
            return false;
        if (tailStart == chunk.Length)
            return true;
        var tail = chunk[tailStart..];
        if (Rune.DecodeFromUtf8(tail, out _, out _) != OperationStatus.NeedMoreData)
            return false;
        for (var i = 0; i < tail.Length; i++)
            _pending |= (uint)tail[i] << (8 * i);
        _pendingLength = tail.Length;
        return true;
    }

    /// <summary>Forgets any unfinished code point, ready for the next message.</summary>
    public void Reset()
    {
        _pending = 0;
        _pendingLength = 0;
    }

    // Joins the kept bytes with the start of the chunk and decodes that one code point.
    private bool TryCompletePending(ref ReadOnlySpan<byte> chunk)
    {
        Span<byte> joined = stackalloc byte[4];
        for (var i = 0; i < _pendingLength; i++)
            joined[i] = (byte)(_pending >> (8 * i));
        var taken = Math.Min(4 - _pendingLength, chunk.Length);
        chunk[..taken].CopyTo(joined[_pendingLength..]);
        var available = _pendingLength + taken;

        switch (Rune.DecodeFromUtf8(joined[..available], out _, out var consumed))
        {
            case OperationStatus.Done:
                chunk = chunk[(consumed - _pendingLength)..];
                Reset();
                return true;
            case OperationStatus.NeedMoreData:
                _pending = 0;
                for (var i = 0; i < available; i++)
                    _pending |= (uint)joined[i] << (8 * i);
                _pendingLength = available;
                chunk = default;
                return true;
            default:
                return false;
        }
    }

    // Where the last code point starts when its lead byte announces more bytes than the chunk holds, else the length.
    private static int UnfinishedTailStart(ReadOnlySpan<byte> chunk)
    {
        var lead = chunk.Length - 1;
        while (lead >= 0 && chunk.Length - lead <= 3 && (chunk[lead] & 0xC0) == 0x80)
            lead--;
        if (lead < 0 || chunk.Length - lead > 3)
            return chunk.Length; // no lead byte within reach: either complete or invalid, IsValid decides
        var needed = chunk[lead] switch { >= 0xF8 => 1, >= 0xF0 => 4, >= 0xE0 => 3, >= 0xC0 => 2, _ => 1 };
        return chunk.Length - lead < needed ? lead : chunk.Length;
    }
}
