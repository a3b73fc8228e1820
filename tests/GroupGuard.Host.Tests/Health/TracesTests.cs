using System.Collections.Concurrent;
using System.Diagnostics;

namespace GroupGuard.Host.Tests.Health;

/// <summary>
/// Each moderated message is one "moderate" span of the GroupGuard source, with its protocol,
/// platform, hits and incidents, and nothing that names a group, a user or the text.
/// </summary>
[Collection(TelemetryCollection.Name)]
public sealed class TracesTests
{
    [Fact]
    public async Task A_moderated_message_is_one_span_with_its_counts_and_no_chat_data()
    {
        var spans = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "GroupGuard",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);
        using var service = new GroupGuardFactory();

        await service.PostV11Async(GroupGuardFactory.GroupEvent(951, "加微信领资料", userId: 777001));
        await service.IncidentsAfterAsync(1);

        var moderated = spans.Where(s => s.OperationName == "moderate").ToList();
        var span = Assert.Single(moderated, s => Equals(s.GetTagItem("groupguard.incidents"), 1) && Equals(s.GetTagItem("groupguard.protocol"), "onebot.v11"));
        Assert.Equal("qq", span.GetTagItem("groupguard.platform"));
        Assert.True((int)span.GetTagItem("groupguard.hits")! >= 1);
        var values = string.Join('|', moderated.SelectMany(s => s.TagObjects).Select(t => t.Value?.ToString()));
        Assert.DoesNotContain("123456", values, StringComparison.Ordinal);
        Assert.DoesNotContain("777001", values, StringComparison.Ordinal);
        Assert.DoesNotContain("加微信", values, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http://127.0.0.1:4318/v1/metrics", "http://127.0.0.1:4318/v1/traces")]
    [InlineData("https://otlp-gateway.example.net/otlp/v1/metrics", "https://otlp-gateway.example.net/otlp/v1/traces")] // a hosted collector's prefix is kept
    [InlineData("https://collector.example.net/tenant/a/v1/metrics?key=1", "https://collector.example.net/tenant/a/v1/traces?key=1")]
    [InlineData("http://127.0.0.1:4317", "http://127.0.0.1:4317/")] // gRPC: one endpoint for both
    public void Traces_go_to_the_metrics_endpoint_s_collector_with_its_path(string metrics, string traces)
    {
        Assert.Equal(new Uri(traces), GroupGuard.Host.Telemetry.TelemetryRegistration.TracesEndpoint(new Uri(metrics)));
    }
}
