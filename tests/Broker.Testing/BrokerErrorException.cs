namespace Broker.Testing;

/// <summary>The broker answered a request with an <c>error</c> frame; <see cref="Code"/> is its stable code.</summary>
public sealed class BrokerErrorException(string code, string frame) : Exception($"broker error {code}: {frame}")
{
    public string Code { get; } = code;
}
