using System.Text.Json;
using System.Text.Json.Nodes;
using GroupGuard.Core.Forwards;
using GroupGuard.Milky.Parsing;
using GroupGuard.Milky.Tests.Support;

namespace GroupGuard.Milky.Tests;

/// <summary>
/// A forwarded bundle is written by whoever forwarded it. Every variant of get_forwarded_messages'
/// answer (a value of another type or an extreme one, a field dropped, a list emptied or repeated,
/// nesting deepened) is read or found to hold no list, never an exception, and what is read stays
/// within the bundle bounds.
/// </summary>
public sealed class HostileForwardTests
{
    private static readonly int Variants = int.TryParse(Environment.GetEnvironmentVariable("GG_FUZZ_VARIANTS"), out var n) ? n : 150;

    [Fact]
    public void Every_variant_of_the_forwarded_messages_answer_is_read_within_bounds_or_found_to_hold_no_list()
    {
        const string sample = "forwarded-messages.json";
        var original = JsonNode.Parse(Samples.Bytes(sample))!;
        var seed = JsonMutator.SeedFor(sample);
        var mutator = new JsonMutator(seed);
        int read = 0, empty = 0;
        for (var variant = 0; variant < Variants; variant++)
        {
            var body = mutator.Mutate(original);
            if (!System.Text.Unicode.Utf8.IsValid(body))
            {
                continue; // bytes no bridge writes; a bundle they break is reported as not opened
            }

            JsonDocument document;
            try
            {
                document = JsonDocument.Parse(Core.JsonSurrogates.Mended(body) ?? body); // as the transport reads an answer
            }
            catch (JsonException)
            {
                continue; // not JSON: the transport's business, before any answer is read
            }

            using (document)
            {
                if (document.RootElement.ValueKind != JsonValueKind.Object || !document.RootElement.TryGetProperty("data", out var data))
                {
                    continue;
                }

                ForwardOpenResult? result;
                try
                {
                    result = MilkySegments.ReadForwarded(data);
                }
                catch (Exception ex)
                {
                    Assert.Fail($"{sample}, seed {seed}, variant {variant} threw {ex.GetType().Name}: {ex.Message}\n{JsonMutator.Shown(body)}");
                    return;
                }

                if (result is null || result.Messages.Count == 0)
                {
                    empty++;
                    continue;
                }

                read++;
                var total = Count(result.Messages);
                Assert.True(total <= ForwardLimits.MaxMessages, $"{sample} variant {variant}: {total} messages read");
            }
        }

        Assert.True(read > 0 && empty > 0, $"{read} read, {empty} without messages");
    }

    private static int Count(IReadOnlyList<ForwardedMessage> messages) =>
        messages.Sum(message => 1 + message.Forwards.Sum(forward => forward.Messages is { } inner ? Count(inner) : 0));
}
