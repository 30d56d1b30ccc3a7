using System.Runtime.InteropServices;

namespace Broker.Protocol.Compression;

/// <summary>
/// The runtime's <c>PAL_ZStream</c> (dotnet/runtime, pal_zlib.h): the input/output cursors passed to its zlib wrapper.
/// The wrapper keeps the real <c>z_stream</c> behind <see cref="InternalState"/> and copies the cursors in and out on
/// every call, so this struct may live anywhere (it need not be pinned between calls).
/// </summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct ZStream
{
    public byte* NextIn;
    public byte* NextOut;
    public nint Message;
    public nint InternalState;
    public uint AvailIn;
    public uint AvailOut;
}
