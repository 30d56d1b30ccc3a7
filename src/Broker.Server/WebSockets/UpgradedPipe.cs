using System.IO.Pipelines;

namespace Broker.Server.WebSockets;

/// <summary>The upgraded connection's raw byte pipes (Kestrel's request body reader and response body writer after 101).</summary>
internal sealed record UpgradedPipe(PipeReader Input, PipeWriter Output) : IDuplexPipe;
