using System.Text;
using GroupGuard.Milky.Streams;

namespace GroupGuard.Milky.Tests;

/// <summary>The text/event-stream format as the WHATWG describes it, within a size bound.</summary>
public sealed class SseReaderTests
{
    private static async Task<List<SseEvent>> ReadAll(string stream, int max = 1024)
    {
        var reader = new SseReader(new MemoryStream(Encoding.UTF8.GetBytes(stream)), max);
        var events = new List<SseEvent>();
        while (await reader.ReadAsync(CancellationToken.None) is { } next)
        {
            events.Add(next);
        }

        return events;
    }

    [Fact]
    public async Task Data_lines_join_with_newlines_and_a_blank_line_ends_the_event()
    {
        var events = await ReadAll("event: milky_event\ndata: {\ndata:   \"a\": 1\ndata: }\n\n");

        var only = Assert.Single(events);
        Assert.Equal("milky_event", only.Name);
        Assert.Equal("{\n  \"a\": 1\n}", Encoding.UTF8.GetString(only.Data));
    }

    [Fact]
    public async Task Crlf_and_cr_line_ends_comments_and_other_fields_are_handled()
    {
        var events = await ReadAll(": keep-alive\r\n\r\nid: 7\r\ndata:x\r\rdata: y\r\nretry: 1000\n\n");

        Assert.Equal(["x", "y"], events.Select(e => Encoding.UTF8.GetString(e.Data)));
        Assert.All(events, e => Assert.Equal("message", e.Name));
    }

    [Fact]
    public async Task An_event_or_line_over_the_limit_is_reported_and_skipped_and_the_next_is_read()
    {
        var events = await ReadAll($"data: {new string('x', 100)}\n\ndata: {new string('y', 60)}\ndata: {new string('z', 60)}\n\ndata: ok\n\n", max: 80);

        Assert.Equal([true, true, false], events.Select(e => e.Oversized));
        Assert.Equal("ok", Encoding.UTF8.GetString(events[2].Data));
    }

    [Fact]
    public async Task A_last_event_without_its_blank_line_is_dropped()
    {
        var events = await ReadAll("data: whole\n\ndata: cut");

        Assert.Equal(["whole"], events.Select(e => Encoding.UTF8.GetString(e.Data)));
    }
}
