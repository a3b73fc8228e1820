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

        var (accepted, refused, problems) = HostileVariants.Deliver(sample, JsonNode.Parse(Samples.Bytes(sample))!, body =>
        {
            var result = receiver.Deliver(clock, body);
            return new Delivery(result.StatusCode == 200, result.StatusCode, result.Error, result.Event is not null, result.Event?.Message,
                result.StatusCode == 200 && string.IsNullOrEmpty(result.Answer) ? "200 without an answer body" : null);
        }, QQBotLimits.MaxMessageIdLength);

        Assert.Empty(problems);
        // Both ways were taken: the variants reach the reading of the event, not only the JSON reader.
        Assert.True(accepted > 0 && refused > 0, $"{sample}: {accepted} accepted, {refused} refused");
    }
}
