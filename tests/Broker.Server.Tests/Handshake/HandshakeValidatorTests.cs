using Broker.Protocol.Compression;
using Broker.Protocol.Handshake;

namespace Broker.Server.Tests.Handshake;

public sealed class HandshakeValidatorTests
{
    private const string Key = "dGhlIHNhbXBsZSBub25jZQ==";

    private static readonly HandshakeOptions Options = new([], ["broker.v1", "broker.v0"], new DeflateSettings(Enabled: false));

    private static HandshakeRequest Valid() => new("GET", "HTTP/1.1", "websocket", "Upgrade", Key, "13");

    private static string? Header(HandshakeResult result, string name) =>
        result.Headers.Where(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Select(h => h.Value).SingleOrDefault();

    [Fact]
    public void Validate_ValidRequest_AcceptsWithUpgradeHeaders()
    {
        var result = HandshakeValidator.Validate(Valid(), Options);

        Assert.True(result.IsAccepted);
        Assert.Equal(101, result.StatusCode);
        Assert.Equal("websocket", Header(result, "Upgrade"));
        Assert.Equal("Upgrade", Header(result, "Connection"));
        Assert.Equal("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", Header(result, "Sec-WebSocket-Accept"));
        Assert.Null(Header(result, "Sec-WebSocket-Protocol"));
        Assert.Null(Header(result, "Sec-WebSocket-Extensions"));
        Assert.Null(result.Deflate);
    }

    [Theory]
    [InlineData("WebSocket", "keep-alive, Upgrade")]
    [InlineData("websocket", "upgrade")]
    [InlineData("h2c, websocket", "Upgrade,keep-alive")]
    [InlineData("WEBSOCKET", " UPGRADE ")]
    public void Validate_HeaderTokensInAnyCaseOrList_Accepts(string upgrade, string connection) =>
        Assert.True(HandshakeValidator.Validate(Valid() with { Upgrade = upgrade, Connection = connection }, Options).IsAccepted);

    [Theory]
    [InlineData("POST")]
    [InlineData("PUT")]
    [InlineData("get")]
    public void Validate_NotGet_Returns405WithAllow(string method)
    {
        var result = HandshakeValidator.Validate(Valid() with { Method = method }, Options);

        Assert.Equal(405, result.StatusCode);
        Assert.Equal("GET", Header(result, "Allow"));
        Assert.NotEmpty(result.Body);
    }

    [Theory]
    [InlineData("HTTP/1.0")]
    [InlineData("HTTP/2")]
    public void Validate_NotHttp11_Returns400(string protocol) =>
        Assert.Equal(400, HandshakeValidator.Validate(Valid() with { Protocol = protocol }, Options).StatusCode);

    [Theory]
    [InlineData(null, "Upgrade")]
    [InlineData("h2c", "Upgrade")]
    [InlineData("websocket", null)]
    [InlineData("websocket", "keep-alive")]
    [InlineData("websockets", "Upgrade")]
    public void Validate_NotAnUpgradeRequest_Returns426WithUpgradeHeader(string? upgrade, string? connection)
    {
        var result = HandshakeValidator.Validate(Valid() with { Upgrade = upgrade, Connection = connection }, Options);

        Assert.Equal(426, result.StatusCode);
        Assert.Equal("websocket", Header(result, "Upgrade"));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("8")]
    [InlineData("14")]
    [InlineData("13, 8")]
    public void Validate_UnsupportedVersion_Returns426WithVersion13(string? version)
    {
        var result = HandshakeValidator.Validate(Valid() with { Version = version }, Options);

        Assert.Equal(426, result.StatusCode);
        Assert.Equal("13", Header(result, "Sec-WebSocket-Version"));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("not base64 at all!!!!!!!")]
    [InlineData("c2hvcnQ=")]
    public void Validate_BadKey_Returns400(string? key) =>
        Assert.Equal(400, HandshakeValidator.Validate(Valid() with { Key = key }, Options).StatusCode);

    [Theory]
    [InlineData("https://app.example", true)]
    [InlineData("HTTPS://APP.EXAMPLE", true)]
    [InlineData(null, true)]
    [InlineData("https://evil.example", false)]
    [InlineData("https://app.example.evil", false)]
    public void Validate_OriginAgainstAllowList_AcceptsOnlyListedOrAbsent(string? origin, bool accepted)
    {
        var options = Options with { AllowedOrigins = ["https://app.example", "http://localhost:3000"] };

        var result = HandshakeValidator.Validate(Valid() with { Origin = origin }, options);

        Assert.Equal(accepted ? 101 : 403, result.StatusCode);
    }

    [Fact]
    public void Validate_EmptyAllowList_AcceptsAnyOrigin() =>
        Assert.True(HandshakeValidator.Validate(Valid() with { Origin = "https://anything.example" }, Options).IsAccepted);

    [Theory]
    [InlineData("broker.v0, broker.v1", "broker.v1")] // server preference wins over client order
    [InlineData("broker.v0", "broker.v0")]
    [InlineData("chat, broker.v1", "broker.v1")]
    [InlineData("chat", null)]
    [InlineData("BROKER.V1", null)] // subprotocol names are case-sensitive
    [InlineData(null, null)]
    public void Validate_SubprotocolOffer_PicksServersFirstOffered(string? offered, string? expected)
    {
        var result = HandshakeValidator.Validate(Valid() with { Subprotocols = offered }, Options);

        Assert.True(result.IsAccepted);
        Assert.Equal(expected, result.Subprotocol);
        Assert.Equal(expected, Header(result, "Sec-WebSocket-Protocol"));
    }

    [Fact]
    public void Validate_DeflateOfferedButDisabled_AcceptsWithoutExtension()
    {
        var result = HandshakeValidator.Validate(Valid() with { Extensions = "permessage-deflate; client_max_window_bits" }, Options);

        Assert.True(result.IsAccepted);
        Assert.Null(result.Deflate);
        Assert.Null(Header(result, "Sec-WebSocket-Extensions"));
    }

    [Fact]
    public void Validate_SeveralProblems_ReportsFirstInRfcOrder()
    {
        var result = HandshakeValidator.Validate(new HandshakeRequest("POST", "HTTP/1.0", null, null, null, "8", "https://evil.example"),
            Options with { AllowedOrigins = ["https://app.example"] });

        Assert.Equal(405, result.StatusCode);
    }
}
