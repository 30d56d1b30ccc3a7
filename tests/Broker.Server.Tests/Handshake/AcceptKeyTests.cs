using Broker.Protocol.Handshake;

namespace Broker.Server.Tests.Handshake;

public sealed class AcceptKeyTests
{
    [Fact]
    public void Compute_Rfc6455SampleKey_ReturnsSampleAccept() =>
        // RFC 6455 §1.3's worked example.
        Assert.Equal("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", AcceptKey.Compute("dGhlIHNhbXBsZSBub25jZQ=="));

    [Theory]
    [InlineData("dGhlIHNhbXBsZSBub25jZQ==", true)]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAA==", true)]
    [InlineData(null, false)]
    [InlineData("", false)]
    [InlineData("dGhlIHNhbXBsZSBub25jZQ", false)] // unpadded
    [InlineData("dGhlIHNhbXBsZSBub25jZXg=", false)] // 17 bytes
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAA=", false)] // 17 bytes
    [InlineData("dGhlIHNhbXBsZSBub25j!Q==", false)] // not base64
    [InlineData("c2hvcnQ=", false)] // 5 bytes
    public void IsValidKey_Candidate_AcceptsOnlyBase64Of16Bytes(string? key, bool expected) =>
        Assert.Equal(expected, AcceptKey.IsValidKey(key));
}
