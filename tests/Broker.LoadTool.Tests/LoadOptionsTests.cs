namespace Broker.LoadTool.Tests;

public sealed class LoadOptionsTests
{
    [Fact]
    public void Parse_Flags_SetEveryOption()
    {
        var options = LoadOptions.Parse(["--url", "ws://127.0.0.1:9000/ws", "--sub-url", "ws://127.0.0.1:9001/ws",
            "--subscribers", "2000", "--publishers", "20", "--topics", "1000", "--size", "200", "--rate", "1000",
            "--duration", "5", "--warmup", "1", "--server-pid", "42,43", "--json", "--no-subscribe"]);

        Assert.Equal(new Uri("ws://127.0.0.1:9000/ws"), options.Url);
        Assert.Equal(new Uri("ws://127.0.0.1:9001/ws"), options.SubscriberUrl);
        Assert.Equal((2000, 20, 1000, 200), (options.Subscribers, options.Publishers, options.Topics, options.Size));
        Assert.Equal((1000.0, 5.0, 1.0), (options.Rate, options.Duration, options.Warmup));
        Assert.Equal([42, 43], options.ServerPids);
        Assert.True(options.Json);
        Assert.True(options.NoSubscribe);
    }

    [Theory]
    [InlineData("--url", "http://127.0.0.1/ws")]
    [InlineData("--subscribers", "-1")]
    [InlineData("--publishers", "0")]
    [InlineData("--size", "10")]
    [InlineData("--rate", "fast")]
    [InlineData("--bogus", "1")]
    public void Parse_BadValue_ThrowsWithTheOptionName(string name, string value)
    {
        var error = Assert.Throws<ArgumentException>(() => LoadOptions.Parse([name, value]));

        Assert.Contains(name, error.Message);
    }

    [Fact]
    public void Parse_MissingValue_Throws() => Assert.Throws<ArgumentException>(() => LoadOptions.Parse(["--topics"]));
}
