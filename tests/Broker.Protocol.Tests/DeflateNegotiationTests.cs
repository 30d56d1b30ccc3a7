using Broker.Protocol.Compression;

namespace Broker.Protocol.Tests;

public class DeflateNegotiationTests
{
    private static readonly DeflateSettings Defaults = new(Enabled: true);

    public static TheoryData<string, string> AcceptedOffers => new()
    {
        { "permessage-deflate", "permessage-deflate" },
        { "permessage-deflate; client_max_window_bits", "permessage-deflate" },
        { "permessage-deflate; client_max_window_bits=10", "permessage-deflate; client_max_window_bits=10" },
        { "permessage-deflate; client_max_window_bits=8", "permessage-deflate; client_max_window_bits=8" },
        { "permessage-deflate; server_max_window_bits=12", "permessage-deflate; server_max_window_bits=12" },
        { "permessage-deflate; server_max_window_bits=\"15\"", "permessage-deflate; server_max_window_bits=15" },
        { "permessage-deflate; server_no_context_takeover", "permessage-deflate; server_no_context_takeover" },
        { "permessage-deflate; client_no_context_takeover", "permessage-deflate; client_no_context_takeover" },
        { "PerMessage-Deflate ; Server_No_Context_Takeover ; CLIENT_NO_CONTEXT_TAKEOVER ; server_max_window_bits=9 ; client_max_window_bits=15",
            "permessage-deflate; server_no_context_takeover; client_no_context_takeover; server_max_window_bits=9; client_max_window_bits=15" },
        // The first acceptable offer wins; bad ones before it are declined, other extensions ignored.
        { "x-webkit-deflate-frame, permessage-deflate; server_max_window_bits=8, permessage-deflate; client_max_window_bits",
            "permessage-deflate" },
        { "permessage-deflate; foo=1, permessage-deflate; server_no_context_takeover",
            "permessage-deflate; server_no_context_takeover" },
        { "permessage-deflate; server_no_context_takeover; server_no_context_takeover, permessage-deflate",
            "permessage-deflate" },
    };

    [Theory]
    [MemberData(nameof(AcceptedOffers))]
    public void TryNegotiate_AcceptableOffer_RespondsWithParameters(string offer, string expected)
    {
        Assert.True(DeflateNegotiation.TryNegotiate([offer], Defaults, out var parameters, out var response));

        Assert.Equal(expected, response);
        Assert.NotNull(parameters);
    }

    [Theory]
    [InlineData("permessage-deflate; unknown")]
    [InlineData("permessage-deflate; server_max_window_bits")]
    [InlineData("permessage-deflate; server_max_window_bits=8")]
    [InlineData("permessage-deflate; server_max_window_bits=16")]
    [InlineData("permessage-deflate; server_max_window_bits=010")]
    [InlineData("permessage-deflate; server_max_window_bits=abc")]
    [InlineData("permessage-deflate; client_max_window_bits=7")]
    [InlineData("permessage-deflate; client_max_window_bits=\"1 5\"")]
    [InlineData("permessage-deflate; server_no_context_takeover=1")]
    [InlineData("permessage-deflate; client_no_context_takeover; client_no_context_takeover")]
    [InlineData("permessage-deflate; client_max_window_bits; client_max_window_bits=10")]
    [InlineData("permessage-deflate; server_max_window_bits=10; server_max_window_bits=10")]
    [InlineData("permessage-deflate;")]
    [InlineData("x-webkit-deflate-frame")]
    [InlineData("")]
    public void TryNegotiate_UnacceptableOffer_Declines(string offer)
    {
        Assert.False(DeflateNegotiation.TryNegotiate([offer], Defaults, out var parameters, out var response));

        Assert.Null(parameters);
        Assert.Null(response);
    }

    [Fact]
    public void TryNegotiate_Disabled_Declines()
    {
        Assert.False(DeflateNegotiation.TryNegotiate(["permessage-deflate"], new DeflateSettings(Enabled: false), out _, out var response));
        Assert.Null(response);
    }

    [Fact]
    public void TryNegotiate_OffersAcrossHeaderValues_TriesThemInOrder()
    {
        Assert.True(DeflateNegotiation.TryNegotiate(["permessage-deflate; bad", "permessage-deflate; client_max_window_bits=11"],
            Defaults, out var parameters, out _));

        Assert.Equal(11, parameters!.ClientMaxWindowBits);
    }

    [Fact]
    public void TryNegotiate_ServerPolicy_LimitsWindowAndResetsContext()
    {
        var settings = new DeflateSettings(Enabled: true, ServerMaxWindowBits: 10, ServerNoContextTakeover: true);

        Assert.True(DeflateNegotiation.TryNegotiate(["permessage-deflate; server_max_window_bits=12"], settings,
            out var parameters, out var response));

        Assert.Equal("permessage-deflate; server_no_context_takeover; server_max_window_bits=10", response);
        Assert.Equal(new DeflateParameters(true, false, 10, 15), parameters);
    }

    [Fact]
    public void TryNegotiate_ClientAsksSmallerWindowThanPolicy_UsesClientWindow()
    {
        var settings = new DeflateSettings(Enabled: true, ServerMaxWindowBits: 12);

        Assert.True(DeflateNegotiation.TryNegotiate(["permessage-deflate; server_max_window_bits=9; client_no_context_takeover"],
            settings, out var parameters, out _));

        Assert.Equal(new DeflateParameters(false, true, 9, 15), parameters);
    }

    [Fact]
    public void TryNegotiate_PolicyWindowBelow15WithoutOffer_NamesServerWindow()
    {
        Assert.True(DeflateNegotiation.TryNegotiate(["permessage-deflate"], new DeflateSettings(true, ServerMaxWindowBits: 11),
            out var parameters, out var response));

        Assert.Equal("permessage-deflate; server_max_window_bits=11", response);
        Assert.Equal(11, parameters!.ServerMaxWindowBits);
    }
}
