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
}
