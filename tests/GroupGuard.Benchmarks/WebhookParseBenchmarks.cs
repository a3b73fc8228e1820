using System.Text;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using GroupGuard.OneBot;
using GroupGuard.Testing;
using Microsoft.Extensions.Time.Testing;

namespace GroupGuard.Benchmarks;

/// <summary>
/// What reading a OneBot v11 event costs the webhook, per request: the receiver (JSON, bounds,
/// the event's fields, the message's text and segments, its time against the clock) against
/// reading the same bytes into a <see cref="JsonDocument"/> and nothing else, the least any webhook
/// does. "samples" are the group messages under tests/GroupGuard.OneBot.Tests/Samples/V11 (NapCat,
/// LLOneBot, Lagrange; pretty-printed, some with raw fields), "load" the message
/// <c>tools/load.sh</c> sends (compact, one text segment). The third row reads the bytes the way the
/// receivers did before (a reader into <see cref="JsonDocument.ParseValue"/>: one walk to find the
/// value's end, a copy, a second walk).
/// </summary>
[Config(typeof(BenchConfig))]
public class WebhookParseBenchmarks
{
    // After every sample's time, within the days a message may lag the server clock.
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(1_760_360_000);

    private readonly OneBotWebhookReceiver _receiver = new(new SettableOptions<OneBotOptions>(new() { AllowUnsigned = true }), new FakeTimeProvider(Now));
    private byte[][] _bodies = [];

    [Params("samples", "load")]
    public string Data { get; set; } = "";

    [GlobalSetup]
    public void Setup()
    {
        _bodies = Data == "load"
            ? [.. Enumerable.Range(1, 100).Select(LoadMessage)]
            : [.. new[] { "napcat-group-array", "napcat-group-string", "napcat-rich-array", "llonebot-group", "lagrange-group" }
                .Select(name => File.ReadAllBytes(Path.Combine(BenchData.Repository(), "tests", "GroupGuard.OneBot.Tests", "Samples", "V11", name + ".json")))];

        foreach (var body in _bodies)
        {
            if (_receiver.ReceiveV11(body, null) is not { StatusCode: 204, Event.Message: not null })
            {
                throw new InvalidOperationException($"a benchmark body is not read as a message: {Encoding.UTF8.GetString(body)}");
            }
        }
    }

    [Benchmark(Baseline = true, Description = "JsonDocument.Parse alone")]
    public int Document()
    {
        var properties = 0;
        foreach (var body in _bodies)
        {
            using var document = JsonDocument.Parse(body);
            properties += document.RootElement.GetPropertyCount();
        }

        return properties;
    }

    [Benchmark(Description = "OneBot v11 receiver")]
    public int Receiver()
    {
        var length = 0;
        foreach (var body in _bodies)
        {
            length += _receiver.ReceiveV11(body, null).Event!.Message!.Text.Length;
        }

        return length;
    }

    [Benchmark(Description = "reader into ParseValue (the receivers before)")]
    public int TwoWalks()
    {
        var properties = 0;
        foreach (var body in _bodies)
        {
            var reader = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = 64 });
            using var document = JsonDocument.ParseValue(ref reader);
            properties += document.RootElement.GetPropertyCount();
        }

        return properties;
    }

    private static byte[] LoadMessage(int n) => Encoding.UTF8.GetBytes(
        $$$"""{"self_id":10001,"user_id":{{{3000000 + n}}},"time":{{{Now.ToUnixTimeSeconds()}}},"message_id":{{{400000000 + n}}},"message_type":"group","sub_type":"normal","post_type":"message","group_id":{{{700000 + (n % 200)}}},"font":14,"raw_message":"今天的作业是第{{{n}}}页，明天交","message":[{"type":"text","data":{"text":"今天的作业是第{{{n}}}页，明天交"}}],"sender":{"user_id":{{{3000000 + n}}},"nickname":"n{{{n}}}","card":"","role":"member"}}""");
}
