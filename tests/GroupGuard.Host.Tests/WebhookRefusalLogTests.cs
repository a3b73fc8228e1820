using System.Net;
using GroupGuard.Host.Pipeline;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace GroupGuard.Host.Tests;

/// <summary>
/// Refused webhooks are logged so an operator sees why without a flood writing a line a request:
/// each reason that differs within ten seconds has its line, and what was only counted is told
/// when the ten seconds end, even when nothing more is refused.
/// </summary>
public sealed class WebhookRefusalLogTests : IAsyncDisposable
{
    // The clock the rejection lines are timed on; the webhook's own clock stays where the samples are stamped.
    private readonly FakeTimeProvider _lines = new(new DateTimeOffset(2025, 11, 26, 10, 0, 0, TimeSpan.Zero));
    private readonly GroupGuardFactory _service;

    public WebhookRefusalLogTests() =>
        _service = new GroupGuardFactory(services: services =>
            services.Replace(ServiceDescriptor.Singleton(sp => new AdapterHealth(_lines, sp.GetRequiredService<ILoggerFactory>()))));

    private IReadOnlyList<string> Refusals() =>
        [.. _service.Logs.Entries.Where(e => e.Category == "GroupGuard.Webhooks" && e.Message.StartsWith("Rejected", StringComparison.Ordinal)).Select(e => e.Message)];

    [Fact]
    public async Task Four_different_400s_within_a_second_are_each_logged()
    {
        var malformed = await _service.PostV11Async("{\"self_id\": ");
        var array = await _service.PostV11Async("[1,2]");
        var noSelf = await _service.PostV11Async(GroupGuardFactory.GroupEvent(1, "hello").Replace("\"self_id\":10001,", "", StringComparison.Ordinal));
        var stale = await _service.PostV11Async(GroupGuardFactory.GroupEvent(2, "hello", time: 1700000000));

        Assert.All([malformed, array, noSelf, stale], r => Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode));
        var lines = Refusals();
        Assert.Equal(4, lines.Count);
        Assert.Contains("400 malformed JSON", lines[0], StringComparison.Ordinal);
        Assert.Contains("missing field 'self_id'", lines[2], StringComparison.Ordinal);
        Assert.Contains("field 'time' 2023-11-14T22:13:20", lines[3], StringComparison.Ordinal);
        Assert.All(lines, l => Assert.Contains("(1 rejected so since the last such line", l, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Repeats_are_counted_in_a_line_when_the_ten_seconds_end_though_nothing_more_comes()
    {
        var body = GroupGuardFactory.GroupEvent(1, "hello");
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.Forbidden, (await _service.PostV11Async(body, "sha1=" + new string('0', 40))).StatusCode);
        }

        Assert.Single(Refusals());

        _lines.Advance(TimeSpan.FromSeconds(10));

        var lines = Refusals();
        Assert.Equal(2, lines.Count);
        Assert.StartsWith("Rejected 2 more onebot.v11:403 requests since the last such line", lines[1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_flood_of_one_reason_writes_two_lines()
    {
        for (var i = 0; i < 200; i++)
        {
            await _service.PostV11Async("{\"self_id\": " + i);
        }

        _lines.Advance(TimeSpan.FromSeconds(10));

        var lines = Refusals();
        Assert.Equal(2, lines.Count);
        Assert.StartsWith("Rejected 199 more onebot.v11:400 requests", lines[1], StringComparison.Ordinal);
    }

    public ValueTask DisposeAsync() => _service.DisposeAsync();
}
