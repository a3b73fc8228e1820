using System.Text.Json.Nodes;
using GroupGuard.Milky.Parsing;
using GroupGuard.Milky.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace GroupGuard.Milky.Tests;

/// <summary>
/// Every variant of every event sample (a value of another type or an extreme one, a field
/// dropped, a list emptied or repeated, bytes cut) is answered with a status, never an exception
/// (which the webhook would turn into a 500 and an event stream into a dropped connection); what
/// is accepted keeps the bounds a bad event is refused for.
/// </summary>
public sealed class HostileEventTests
{
    private static readonly int Variants = int.TryParse(Environment.GetEnvironmentVariable("GG_FUZZ_VARIANTS"), out var n) ? n : 150;

    public static TheoryData<string> EventSamples()
    {
        var data = new TheoryData<string>();
        foreach (var (name, node) in JsonMutator.Samples(Path.Combine(AppContext.BaseDirectory, "Samples")))
        {
            if (node["event_type"] is not null)
            {
                data.Add(name); // the rest are answers to calls
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(EventSamples))]
    public void Every_variant_of_an_event_gets_an_answer_and_what_is_accepted_is_within_bounds(string sample)
    {
        var parser = new MilkyEventParser(new FakeTimeProvider(Samples.Stamped.AddMinutes(5)));
        var original = JsonNode.Parse(Samples.Bytes(sample))!;
        var seed = JsonMutator.SeedFor(sample);
        var mutator = new JsonMutator(seed);
        int accepted = 0, refused = 0;
        for (var variant = 0; variant < Variants; variant++)
        {
            var body = mutator.Mutate(original);
            MilkyWebhookResult result;
            try
            {
                result = parser.Parse(body);
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
}
