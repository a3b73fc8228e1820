using System.Text.Json.Nodes;
using GroupGuard.QQBot.Tests.Support;

namespace GroupGuard.QQBot.Tests.Webhook;

/// <summary>
/// Every variant of every sample, signed as the platform signs (a value of another type or an
/// extreme one, a field dropped, a list emptied or repeated, bytes cut), is answered with a
/// status, never an exception (which the webhook would turn into a 500); what is accepted keeps
/// the bounds a bad delivery is refused for.
/// </summary>
public sealed class HostileDeliveryTests
{
    private static readonly int Variants = int.TryParse(Environment.GetEnvironmentVariable("GG_FUZZ_VARIANTS"), out var n) ? n : 150;

    public static TheoryData<string> SampleNames()
    {
        var data = new TheoryData<string>();
        foreach (var (name, _) in JsonMutator.Samples(Path.Combine(AppContext.BaseDirectory, "Samples")))
        {
            data.Add(name);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(SampleNames))]
    public void Every_signed_variant_gets_an_answer_and_what_is_accepted_is_within_bounds(string sample)
    {
        var (receiver, _, clock) = Receivers.Create();
        var original = JsonNode.Parse(Samples.Bytes(sample))!;
        var seed = JsonMutator.SeedFor(sample);
        var mutator = new JsonMutator(seed);
        int accepted = 0, refused = 0;
        for (var variant = 0; variant < Variants; variant++)
        {
            var body = mutator.Mutate(original);
            QQBotWebhookResult result;
            try
            {
                result = receiver.Deliver(clock, body);
            }
            catch (Exception ex)
            {
                Assert.Fail($"{sample}, seed {seed}, variant {variant} threw {ex.GetType().Name}: {ex.Message}\n{JsonMutator.Shown(body)}");
                return;
            }

            Assert.True(result.StatusCode is 200 or 400 or 413, $"{sample} variant {variant}: status {result.StatusCode} {result.Error}");
            if (result.StatusCode == 200)
            {
                accepted++;
                Assert.False(string.IsNullOrEmpty(result.Answer), $"{sample} variant {variant}: 200 without an answer body");
                if (result.Event?.Message is { } message)
                {
                    var problem = JsonMutator.BoundsProblem(message, QQBotLimits.MaxMessageIdLength);
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
}
