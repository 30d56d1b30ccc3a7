using System.Collections;
using Akka.Configuration;
using Broker.Server.Cluster;
using Broker.Testing;

namespace Broker.Server.Tests.Cluster;

/// <summary>broker.cluster.tls: shipped off, every bad file named by its key at startup, and seeds moved to akka.ssl.tcp.</summary>
public sealed class ClusterTlsSettingsTests : IDisposable
{
    private readonly TestCertificateAuthority _ca = new("settings-ca");
    private readonly TestCertificateAuthority _otherCa = new("other-ca");

    private static Config With(string hocon) =>
        ConfigurationFactory.ParseString(hocon).WithFallback(ConfigurationFactory.ParseString(File.ReadAllText(BrokerConfig.DefaultsPath)));

    private static string Tls(string certificate, string key, string ca) =>
        $"broker.cluster.tls {{ certificate = \"{certificate}\", key = \"{key}\", ca = \"{ca}\" }}";

    [Fact]
    public void Create_ShippedDefaults_IsOffWithEveryKeyEmpty()
    {
        var config = With("");

        Assert.Null(ClusterTls.Create(config));
        Assert.Equal("", config.GetString("broker.cluster.tls.certificate"));
        Assert.Equal("", config.GetString("broker.cluster.tls.key"));
        Assert.Equal("", config.GetString("broker.cluster.tls.ca"));
    }

    [Fact]
    public void Create_CertificateFromTheCa_Reads()
    {
        var node = _ca.Issue("node");

        Assert.NotNull(ClusterTls.Create(With(Tls(node.CertificatePath, node.KeyPath, _ca.CertificatePath))));
    }

    [Fact]
    public void Create_CertificateFromAnIntermediateListedInCa_Reads()
    {
        using var intermediate = _ca.Intermediate("intermediate-ca");
        var node = intermediate.Issue("node");

        Assert.NotNull(ClusterTls.Create(With(Tls(node.CertificatePath, node.KeyPath, intermediate.TrustBundleWith(_ca)))));
    }

    public enum Bad { CaMissing, CertificateMissing, KeyMissing, CaNoSuchFile, CaNotPem, CertificateFromAnotherCa, KeyOfAnotherCertificate }

    [Theory]
    [InlineData(Bad.CaMissing, "broker.cluster.tls.ca")]
    [InlineData(Bad.CertificateMissing, "broker.cluster.tls.certificate")]
    [InlineData(Bad.KeyMissing, "broker.cluster.tls.key")]
    [InlineData(Bad.CaNoSuchFile, "broker.cluster.tls.ca")]
    [InlineData(Bad.CaNotPem, "broker.cluster.tls.ca")]
    [InlineData(Bad.CertificateFromAnotherCa, "broker.cluster.tls.certificate")]
    [InlineData(Bad.KeyOfAnotherCertificate, "broker.cluster.tls")]
    public void Create_InvalidFiles_ErrorNamesTheKey(Bad bad, string key)
    {
        var node = _ca.Issue("node");
        var other = _otherCa.Issue("other");
        var hocon = bad switch
        {
            Bad.CaMissing => Tls(node.CertificatePath, node.KeyPath, ""),
            Bad.CertificateMissing => Tls("", "", _ca.CertificatePath),
            Bad.KeyMissing => Tls(node.CertificatePath, "", _ca.CertificatePath),
            Bad.CaNoSuchFile => Tls(node.CertificatePath, node.KeyPath, "/nonexistent/ca.pem"),
            Bad.CaNotPem => Tls(node.CertificatePath, node.KeyPath, node.KeyPath),
            Bad.CertificateFromAnotherCa => Tls(other.CertificatePath, other.KeyPath, _ca.CertificatePath),
            _ => Tls(node.CertificatePath, other.KeyPath, _ca.CertificatePath),
        };

        var error = Assert.ThrowsAny<ConfigurationException>(() => ClusterTls.Create(With(hocon)));

        Assert.Contains(key, error.Message);
    }

    [Fact]
    public void EnableIn_SeedsFromFlagAndConfig_MovesThemToTheTlsSchemeAndTurnsTlsOn()
    {
        var config = ClusterMode.Layer(BrokerConfig.Load(["--seeds", "node1:4053, node2:4054"], new Hashtable(),
            BrokerConfig.DefaultsPath), ClusterMode.DefaultsPath);

        var enabled = ClusterTls.EnableIn(config);

        Assert.True(enabled.GetBoolean("akka.remote.dot-netty.tcp.enable-ssl"));
        Assert.Equal(["akka.ssl.tcp://broker@node1:4053", "akka.ssl.tcp://broker@node2:4054"],
            enabled.GetStringList("akka.cluster.seed-nodes"));
        Assert.Equal(["akka.ssl.tcp://broker@node3:4053"], ClusterTls.EnableIn(ConfigurationFactory.ParseString(
            "akka.cluster.seed-nodes = [\"akka.ssl.tcp://broker@node3:4053\"]")).GetStringList("akka.cluster.seed-nodes"));
    }

    public void Dispose()
    {
        _ca.Dispose();
        _otherCa.Dispose();
    }
}
