using System.Buffers;
using Broker.Protocol.Framing;
using Broker.Protocol.Tests.Support;

namespace Broker.Protocol.Tests;

public class ClosePayloadTests
{
    [Fact]
    public void TryRead_CodeAndReason_ReturnsBoth()
    {
        var payload = ReaderHarness.Chop([0x03, 0xe8, .. "bye"u8], 1);

        Assert.True(ClosePayload.TryRead(payload, out var status, out var reason));

        Assert.Equal(CloseStatus.NormalClosure, status);
        Assert.Equal("bye", reason);
    }

    [Fact]
    public void TryRead_Empty_ReturnsNoStatusReceived()
    {
        Assert.True(ClosePayload.TryRead(ReadOnlySequence<byte>.Empty, out var status, out var reason));

        Assert.Equal(CloseStatus.NoStatusReceived, status);
        Assert.Equal("", reason);
    }

    [Theory]
    [InlineData(new byte[] { 0x03 })]
    [InlineData(new byte[] { 0x03, 0xed })] // 1005 is never sent
    [InlineData(new byte[] { 0x03, 0xe8, 0xC0 })]
    public void TryRead_Malformed_ReturnsFalse(byte[] bytes)
    {
        Assert.False(ClosePayload.TryRead(new ReadOnlySequence<byte>(bytes), out _, out _));
    }

    [Fact]
    public void Write_LongReason_CutsAtCharacterBoundaryWithin125Bytes()
    {
        var reason = new string('é', 100); // 200 bytes in UTF-8
        var buffer = new byte[ClosePayload.MaxLength];

        var length = ClosePayload.Write(buffer, CloseStatus.PolicyViolation, reason);

        Assert.Equal(124, length); // 2 + 61 two-byte characters; a 62nd would need 125 + 1
        Assert.True(ClosePayload.TryRead(new ReadOnlySequence<byte>(buffer, 0, length), out var status, out var read));
        Assert.Equal(CloseStatus.PolicyViolation, status);
        Assert.Equal(new string('é', 61), read);
    }
}
