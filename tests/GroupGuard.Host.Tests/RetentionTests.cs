using GroupGuard.Core;
using GroupGuard.Core.Moderation;
using GroupGuard.Host.Jobs;
using GroupGuard.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace GroupGuard.Host.Tests;

public sealed class RetentionTests
{
    [Theory]
    [InlineData(RetentionMode.Mask)]
    [InlineData(RetentionMode.Delete)]
    public async Task The_daily_job_masks_or_deletes_evidence_older_than_the_retention(RetentionMode mode)
    {
        using var service = new GroupGuardFactory();
        await service.PostV11Async(GroupGuardFactory.GroupEvent(41, "加微信 旧消息", time: 1764150000)); // 2025-11-26
        service.WebhookClock.SetUtcNow(DateTimeOffset.FromUnixTimeSeconds(1790000000));
        await service.PostV11Async(GroupGuardFactory.GroupEvent(42, "加微信 新消息", time: 1790000000)); // 2026-09-21
        Assert.Equal(2, (await service.IncidentsAfterAsync(2)).Count);
        var store = service.Services.GetRequiredService<IIncidentStore>();
        var clock = new FakeTimeProvider(DateTimeOffset.Parse("2026-11-26T03:30:00Z", System.Globalization.CultureInfo.InvariantCulture));
        var privacy = new SettableOptions<PrivacyOptions>(new PrivacyOptions { RetentionDays = 180, RetentionMode = mode });
        var job = new RetentionJob(store, privacy, clock, NullLogger<RetentionJob>.Instance);

        await job.Execute(null!, CancellationToken.None);

        var left = await service.IncidentsAfterAsync(2);
        var recent = Assert.Single(left, i => i.MessageId == "42");
        Assert.Contains("新消息", recent.MessageText, StringComparison.Ordinal);
        if (mode == RetentionMode.Delete)
        {
            Assert.DoesNotContain(left, i => i.MessageId == "41");
        }
        else
        {
            var old = Assert.Single(left, i => i.MessageId == "41");
            Assert.DoesNotContain("旧消息", old.MessageText, StringComparison.Ordinal);
            Assert.Equal("ads.contact", old.Rule); // the record stays, its evidence goes
        }
    }

}
