using System.Text;
using System.Text.Json.Nodes;
using GroupGuard.WeCom.Archive;

namespace GroupGuard.WeCom.Tests;

/// <summary>
/// Every variant of GetChatData's answer is read as records or refused as not the SDK's chat data
/// (FinanceSdkException, which the puller reports and retries), never another exception (which
/// would stop the service). Every variant of every decrypted archive record (a value of another type or an extreme one, a
/// field dropped, a list emptied or repeated, bytes cut) is read as a message, as nothing to
/// moderate or as unreadable with a reason, never an exception (which would stop the pull at that
/// record); what becomes a message keeps the bounds an unreadable record is skipped for.
/// </summary>
public sealed class HostileRecordTests
{
    private const string Corp = "ww1234567890abcdef";
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeMilliseconds(1_764_662_460_000);
    private static readonly int Variants = HostileVariants.Count;

    public static TheoryData<string> SampleNames()
    {
        var data = new TheoryData<string>();
        foreach (var (name, _) in JsonMutator.Samples(Path.Combine(AppContext.BaseDirectory, "Samples", "archive")))
        {
            data.Add(name);
        }

        return data;
    }

    [Fact]
    public void Every_variant_of_the_chat_data_answer_is_read_or_refused_as_not_the_sdks()
    {
        var original = JsonNode.Parse(
            """{"errcode":0,"errmsg":"ok","chatdata":[{"seq":196,"msgid":"CAQQluDa4QUY0On2rYSAgAMgzPrShAE=","publickey_ver":2,"encrypt_random_key":"a2V5","encrypt_chat_msg":"bXNn"},{"seq":197,"msgid":"m197","publickey_ver":1,"encrypt_random_key":"a2V5","encrypt_chat_msg":"bXNn"}]}""")!;
        var mutator = new JsonMutator(JsonMutator.SeedFor("chatdata"));
        int read = 0, refused = 0;
        for (var variant = 0; variant < Variants * 4; variant++)
        {
            var body = mutator.Mutate(original);
            try
            {
                var records = ChatDataParser.Parse(body);
                read++;
                Assert.True(records.Count <= ChatDataParser.MaxRecords, $"variant {variant}: {records.Count} records");
                Assert.All(records, record => Assert.True(record.Problem is not null || !(string.IsNullOrEmpty(record.MsgId) || string.IsNullOrEmpty(record.EncryptChatMsg))));
            }
            catch (FinanceSdkException ex)
            {
                refused++;
                Assert.StartsWith("GetChatData", ex.Message, StringComparison.Ordinal);
            }
            catch (Exception ex)
            {
                Assert.Fail($"variant {variant} threw {ex.GetType().Name}: {ex.Message}\n{JsonMutator.Shown(body)}");
            }
        }

        Assert.True(read > 0 && refused > 0, $"{read} read, {refused} refused");
    }

    [Theory]
    [MemberData(nameof(SampleNames))]
    public void Every_variant_of_a_record_is_read_or_skipped_with_a_reason(string sample)
    {
        var original = JsonNode.Parse(File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Samples", "archive", sample)))!;
        var seed = JsonMutator.SeedFor(sample);
        var mutator = new JsonMutator(seed);
        int read = 0, unreadable = 0;
        for (var variant = 0; variant < Variants; variant++)
        {
            var body = mutator.Mutate(original);
            ArchiveRecord record;
            try
            {
                record = ArchiveMessageReader.Read(Encoding.UTF8.GetString(body), Corp, variant + 1, Now);
            }
            catch (Exception ex)
            {
                Assert.Fail($"{sample}, seed {seed}, variant {variant} threw {ex.GetType().Name}: {ex.Message}\n{JsonMutator.Shown(body)}");
                return;
            }

            switch (record.Kind)
            {
                case ArchiveRecordKind.GroupMessage:
                    read++;
                    Assert.NotNull(record.Message);
                    var problem = JsonMutator.BoundsProblem(record.Message);
                    Assert.True(problem is null, $"{sample} variant {variant} read with {problem}");
                    break;
                case ArchiveRecordKind.Unreadable:
                    unreadable++;
                    Assert.False(string.IsNullOrWhiteSpace(record.Detail), $"{sample} variant {variant}: unreadable without a reason");
                    Assert.Null(record.Message);
                    break;
                default:
                    read++;
                    break;
            }
        }

        // Both ways were taken: the variants reach the reading of the record, not only the JSON reader.
        Assert.True(read > 0 && unreadable > 0, $"{sample}: {read} read, {unreadable} unreadable");
    }
}
