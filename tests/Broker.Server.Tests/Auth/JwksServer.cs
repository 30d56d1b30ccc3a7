using System.Net;
using System.Security.Cryptography;
using System.Text;
using Broker.Testing;
using Microsoft.IdentityModel.Tokens;

namespace Broker.Server.Tests.Auth;

/// <summary>A JWKS endpoint on loopback: serves the RSA keys currently published (rotation), or hangs when told to.</summary>
public sealed class JwksServer : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Task _loop;
    private volatile string _body = """{"keys":[]}""";

    public JwksServer()
    {
        var port = FreePort.Next();
        Url = $"http://127.0.0.1:{port}/jwks/";
        _listener.Prefixes.Add(Url);
        _listener.Start();
        _loop = Task.Run(ServeAsync);
    }

    public string Url { get; }

    /// <summary>Requests answered so far.</summary>
    public int Requests;

    /// <summary>While set, requests are held until cleared (a slow identity provider).</summary>
    public TaskCompletionSource? Hold { get; set; }

    /// <summary>Publishes exactly these keys (kid → RSA public key).</summary>
    public void Publish(params (string Kid, RSA Rsa)[] keys)
    {
        var json = keys.Select(k =>
        {
            var p = k.Rsa.ExportParameters(false);
            return $$"""{"kty":"RSA","use":"sig","alg":"RS256","kid":"{{k.Kid}}","n":"{{Base64UrlEncoder.Encode(p.Modulus)}}","e":"{{Base64UrlEncoder.Encode(p.Exponent)}}"}""";
        });
        _body = $$"""{"keys":[{{string.Join(',', json)}}]}""";
    }

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException)
            {
                return;
            }
            _ = Task.Run(async () =>
            {
                if (Hold is { } hold)
                    await hold.Task;
                Interlocked.Increment(ref Requests);
                var bytes = Encoding.UTF8.GetBytes(_body);
                context.Response.ContentType = "application/json";
                await context.Response.OutputStream.WriteAsync(bytes);
                context.Response.Close();
            });
        }
    }

    public async ValueTask DisposeAsync()
    {
        Hold?.TrySetResult();
        _listener.Stop();
        _listener.Close();
        await _loop;
    }
}
