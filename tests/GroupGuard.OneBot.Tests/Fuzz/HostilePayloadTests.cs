using System.Text.Json.Nodes;
using GroupGuard.OneBot.Tests.Support;

namespace GroupGuard.OneBot.Tests.Fuzz;

/// <summary>
/// Every variant of every sample (a value of another type or an extreme one, a field dropped, a
/// list emptied or repeated, bytes cut) is answered with a status, never an exception (which the
/// webhook would turn into a 500 and the WebSocket into a dropped connection); what is accepted
/// keeps the bounds a bad request is refused for.
/// </summary>
public sealed class HostilePayloadTests
{
    private static readonly int Variants = int.TryParse(Environment.GetEnvironmentVariable("GG_FUZZ_VARIANTS"), out var n) ? n : 150;

    public static TheoryData<string> V11Samples() => SampleNames("V11");

    public static TheoryData<string> V12Samples() => SampleNames("V12");

    [Theory]
    [MemberData(nameof(V11Samples))]
    public void Every_variant_of_a_v11_sample_gets_an_answer_and_what_is_accepted_is_within_bounds(string sample) =>
        Check("V11", sample, (receiver, body) => receiver.ReceiveV11(body, null));

    [Theory]
    [MemberData(nameof(V12Samples))]
    public void Every_variant_of_a_v12_sample_gets_an_answer_and_what_is_accepted_is_within_bounds(string sample) =>
        Check("V12", sample, (receiver, body) => receiver.ReceiveV12(body, null));

    private static void Check(string folder, string sample, Func<OneBotWebhookReceiver, byte[], WebhookResult> receive)
    {
        var receiver = Receivers.Create();
        var original = JsonNode.Parse(Samples.Bytes(Path.Combine(folder, sample)))!;
        var seed = JsonMutator.SeedFor(sample);
        var mutator = new JsonMutator(seed);
        int accepted = 0, refused = 0;
        for (var variant = 0; variant < Variants; variant++)
        {
            var body = mutator.Mutate(original);
            WebhookResult result;
            try
            {
                result = receive(receiver, body);
            }
            catch (Exception ex)
            {
                Assert.Fail($"{sample}, seed {seed}, variant {variant} threw {ex.GetType().Name}: {ex.Message}\n{JsonMutator.Shown(body)}");
                return;
            }

            Assert.True(result.StatusCode is 204 or 400 or 413, $"{sample} variant {variant}: status {result.StatusCode}");
            if (result.StatusCode == 204)
            {
                accepted++;
                Assert.NotNull(result.Event);
                if (result.Event.Message is { } message)
                {
                    var problem = JsonMutator.BoundsProblem(message);
                    Assert.True(problem is null, $"{sample} variant {variant} accepted with {problem}");
                }
            }
            else
            {
                refused++;
                Assert.False(string.IsNullOrWhiteSpace(result.Error), $"{sample} variant {variant}: {result.StatusCode} without a reason");
                Assert.Null(result.Event);
            }
        }

        // Both ways were taken: the variants reach the reading of the event, not only the JSON reader.
        Assert.True(accepted > 0 && refused > 0, $"{sample}: {accepted} accepted, {refused} refused");
    }

    private static TheoryData<string> SampleNames(string folder)
    {
        var data = new TheoryData<string>();
        foreach (var (name, _) in JsonMutator.Samples(Path.Combine(AppContext.BaseDirectory, "Samples", folder)))
        {
            if (name.Contains("answer", StringComparison.Ordinal))
            {
                continue; // an action's answer, not an event
            }

            data.Add(name);
        }

        return data;
    }
}
