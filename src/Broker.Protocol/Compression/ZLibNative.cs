using System.Runtime.InteropServices;

namespace Broker.Protocol.Compression;

/// <summary>
/// The zlib that ships with the .NET runtime (libSystem.IO.Compression.Native). .NET's DeflateStream cannot choose the
/// LZ77 window size that RFC 7692 negotiates, so the codec calls the same native library directly, with raw deflate
/// (negative window bits: no zlib header or trailer, RFC 7692 §7.2.1).
/// </summary>
internal static unsafe partial class ZLibNative
{
    private const string Library = "libSystem.IO.Compression.Native";

    public const int Ok = 0;
    public const int StreamEnd = 1;
    public const int BufError = -5;

    public const int NoFlush = 0;
    public const int SyncFlush = 2;

    /// <summary>Like <see cref="SyncFlush"/>, and later output never refers back past this point (no context takeover).</summary>
    public const int FullFlush = 3;

    public const int DefaultCompression = -1;
    public const int Deflated = 8;
    public const int DefaultMemLevel = 8;
    public const int DefaultStrategy = 0;

    [LibraryImport(Library, EntryPoint = "CompressionNative_DeflateInit2_")]
    public static partial int DeflateInit2(ZStream* stream, int level, int method, int windowBits, int memLevel, int strategy);

    [LibraryImport(Library, EntryPoint = "CompressionNative_Deflate")]
    public static partial int Deflate(ZStream* stream, int flush);

    [LibraryImport(Library, EntryPoint = "CompressionNative_DeflateEnd")]
    public static partial int DeflateEnd(ZStream* stream);

    [LibraryImport(Library, EntryPoint = "CompressionNative_InflateInit2_")]
    public static partial int InflateInit2(ZStream* stream, int windowBits);

    [LibraryImport(Library, EntryPoint = "CompressionNative_InflateReset2_")]
    public static partial int InflateReset2(ZStream* stream, int windowBits);

    [LibraryImport(Library, EntryPoint = "CompressionNative_Inflate")]
    public static partial int Inflate(ZStream* stream, int flush);

    [LibraryImport(Library, EntryPoint = "CompressionNative_InflateEnd")]
    public static partial int InflateEnd(ZStream* stream);
}
