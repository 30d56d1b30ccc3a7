using System.Text;

namespace Broker.Protocol.Client;

// Topic names this thread parsed lately, so a connection that publishes to the same topic again gets the same string
// instead of a new one per command. Direct-mapped by a hash of the bytes: 1024 entries a thread, names of at most 64
// bytes. A hit is confirmed by comparing every byte with the cached string, so a collision costs a new string and never
// returns a wrong one. ASCII only: every valid name is ASCII, and for ASCII that comparison is exact.
internal static class TopicNameCache
{
    public const int MaxBytes = 64;
    private const int Entries = 1024;

    [ThreadStatic]
    private static string?[]? t_names;

    // The name these bytes (a JSON string's content without escapes) spell, from the cache or newly cached; null when
    // they are not cached (longer than MaxBytes, or not ASCII): the caller decodes them as any other string.
    public static string? Get(ReadOnlySpan<byte> utf8)
    {
        if (utf8.Length > MaxBytes)
            return null;
        var hash = new HashCode();
        hash.AddBytes(utf8);
        ref var slot = ref (t_names ??= new string?[Entries])[hash.ToHashCode() & (Entries - 1)];
        if (slot is { } cached && Ascii.Equals(utf8, cached))
            return cached;
        if (!Ascii.IsValid(utf8))
            return null;
        return slot = Encoding.ASCII.GetString(utf8);
    }
}
