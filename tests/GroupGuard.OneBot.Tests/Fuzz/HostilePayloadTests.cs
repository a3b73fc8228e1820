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

        var (accepted, refused, problems) = HostileVariants.Deliver(sample, original, body =>
        {
            var result = receive(receiver, body);
            return new Delivery(result.StatusCode == 204, result.StatusCode, result.Error, result.Event is not null, result.Event?.Message,
                result.StatusCode == 204 && result.Event is null ? "204 without an event" : null);
        });

        Assert.Empty(problems);
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
