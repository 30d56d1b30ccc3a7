using System.Security.Cryptography;

namespace Broker.Core.Backplane;

/// <summary>
/// Topic epochs: 8 random characters from a URL- and JSON-safe alphabet (40 bits), made when a topic's stream is made.
/// The fixed length lets the Redis channel payload carry the epoch without a length prefix.
/// </summary>
public static class Epochs
{
    /// <summary>The length of every epoch.</summary>
    public const int Length = 8;

    private const string Alphabet = "abcdefghijklmnopqrstuvwxyz234567";

    /// <summary>A fresh random epoch.</summary>
    public static string New() => RandomNumberGenerator.GetString(Alphabet, Length);
}
