using System.Net.Security;
using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Broker.Server.Tests.Support;

namespace Broker.Server.Tests.Auth;

/// <summary>broker.http.tls: the port serves wss only, with a self-signed certificate made for the run and trusted by the test.</summary>
public sealed class TlsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("broker-tls-").FullName;
    private readonly X509Certificate2 _certificate;

    public TlsTests()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(System.Net.IPAddress.Loopback);
        request.CertificateExtensions.Add(san.Build());
        _certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        CertificatePath = Path.Combine(_dir, "cert.pem");
        KeyPath = Path.Combine(_dir, "key.pem");
        File.WriteAllText(CertificatePath, _certificate.ExportCertificatePem());
        File.WriteAllText(KeyPath, key.ExportPkcs8PrivateKeyPem());
    }

    public string CertificatePath { get; }

    public string KeyPath { get; }

    private Task<TestBroker> StartAsync() =>
        TestBroker.StartAsync($"broker.http.tls {{ certificate = \"{CertificatePath}\", key = \"{KeyPath}\" }}");

    private bool TrustOurs(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors) =>
        certificate is not null && certificate.GetCertHashString() == _certificate.GetCertHashString();

    [Fact]
    public async Task Wss_TrustedSelfSignedCertificate_PubSubWorks()
    {
        await using var broker = await StartAsync();
        Assert.Equal("https", broker.Http.Scheme);

        await using var client = await PubSubClient.ConnectAsync(new Uri($"wss://{broker.Http.Authority}/ws"),
            o => o.RemoteCertificateValidationCallback = TrustOurs);

        await client.SubscribeAsync("secure.topic");
        Assert.Equal(1, await client.PublishAsync("secure.topic", "1"));
    }

    [Fact]
    public async Task Ws_PlainTextOnTheTlsPort_IsRefused()
    {
        await using var broker = await StartAsync();
        using var socket = new ClientWebSocket();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));

        await Assert.ThrowsAnyAsync<Exception>(() => socket.ConnectAsync(new Uri($"ws://{broker.Http.Authority}/ws"), timeout.Token));
    }

    [Fact]
    public async Task Wss_UntrustedCertificate_IsRefusedByTheClient()
    {
        await using var broker = await StartAsync();
        using var socket = new ClientWebSocket();

        await Assert.ThrowsAsync<WebSocketException>(() => socket.ConnectAsync(new Uri($"wss://{broker.Http.Authority}/ws"), CancellationToken.None));
    }

    public void Dispose()
    {
        _certificate.Dispose();
        Directory.Delete(_dir, recursive: true);
    }
}
