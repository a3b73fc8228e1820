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

        var (accepted, refused, problems) = HostileVariants.Deliver(sample, JsonNode.Parse(Samples.Bytes(sample))!, body =>
        {
            var result = parser.Parse(body);
            return new Delivery(result.StatusCode == 204, result.StatusCode, result.Error, result.Event is not null, result.Event?.Message,
                result.StatusCode == 204 && result.Event is null ? "204 without an event" : null);
        });

        Assert.Empty(problems);
        // Both ways were taken: the variants reach the reading of the event, not only the JSON reader.
        Assert.True(accepted > 0 && refused > 0, $"{sample}: {accepted} accepted, {refused} refused");
    }
}
