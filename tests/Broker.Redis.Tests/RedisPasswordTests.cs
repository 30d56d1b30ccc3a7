using System.Text;
using Broker.Core.Backplane;
using Broker.Testing;

namespace Broker.Redis.Tests;

/// <summary>broker.redis.password against a real redis-server started with requirepass.</summary>
public sealed class RedisPasswordTests : IDisposable
{
    private const string Password = "redis-requirepass-for-tests";
    private readonly RedisServerProcess _server = RedisServerProcess.Start(Password);

    private RedisSettings Settings(string password) =>
        RedisFixture.Settings(_server, RedisFixture.NewPrefix()) with
        {
            Password = password,
            ConnectTimeout = TimeSpan.FromSeconds(2),
            OperationTimeout = TimeSpan.FromSeconds(1),
        };

    [Fact]
    public async Task Publish_RightPassword_IsAcceptedAndDelivered()
    {
        var sink = new RecordingSink();
        await using var node = await RedisFixture.StartNodeAsync(Settings(Password), sink);

        Assert.Equal(1, await node.PublishAsync("secure.topic", Encoding.UTF8.GetBytes("1")));
    }

    [Theory]
    [InlineData("wrong-password")]
    [InlineData("")]
    public async Task Publish_WrongOrNoPassword_FailsAsBackplaneUnavailable(string password)
    {
        await using var node = await RedisFixture.StartNodeAsync(Settings(password), new RecordingSink());

        await Assert.ThrowsAsync<BackplaneUnavailableException>(() =>
            node.PublishAsync("secure.topic", Encoding.UTF8.GetBytes("1")).AsTask());
    }

    public void Dispose() => _server.Dispose();
}
