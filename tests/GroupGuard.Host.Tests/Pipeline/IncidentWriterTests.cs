using GroupGuard.Core;
using GroupGuard.Host.Pipeline;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace GroupGuard.Host.Tests.Pipeline;

/// <summary>
/// How the writer of a message's records meets a failing database: it waits out an outage, however
/// long, and gives up on a record the database refuses for what it holds, which no wait can cure.
/// </summary>
public sealed class IncidentWriterTests
{
    private readonly PipelineStats _stats = new();
    private readonly LogCollector<IncidentWriter> _log = new();
    private readonly FailingStore _store = new();

    public IncidentWriterTests() => _store.Stats = _stats;

    private IncidentWriter Writer() => new(_store, _stats, TimeProvider.System, new InstanceIdentity("test"), _log);

    /// <summary>
    /// PostgreSQL refuses a NUL in text (SQLSTATE 22021) at every try: the write was retried for
    /// ever and every message after it waited. It is given up on after three tries, said as an error
    /// naming the message (its NUL made a space), and counted; the next message is stored.
    /// </summary>
    [Fact]
    public async Task A_record_the_database_refuses_for_what_it_holds_is_given_up_and_the_next_is_stored()
    {
        _store.Refuse = i => i.Platform.Contains('\0', StringComparison.Ordinal);
        var writer = Writer();

        var (refused, none) = await writer.WriteAsync([Incidents.Of("p1") with { Platform = "wechat\0x" }], CancellationToken.None).Within("the refused write to be given up");
        var (stored, ids) = await writer.WriteAsync([Incidents.Of("p2") with { Platform = "wechat" }], CancellationToken.None).Within("the next write");

        Assert.Equal((StoreOutcome.Refused, null), (refused, none));
        Assert.Equal(IncidentWriter.UncurableTries, _store.Tries["p1"]);
        Assert.Equal(StoreOutcome.Stored, stored);
        Assert.Equal([1L], ids);
        Assert.Equal(1, _stats.RefusedCount);
        Assert.False(_stats.StorageFailing);
        var error = Assert.Single(_log.Entries, e => e.Level == LogLevel.Error);
        Assert.StartsWith("The incidents of wechat x group 123456 message p1 cannot be stored", error.Message, StringComparison.Ordinal);
        Assert.IsType<PostgresException>(error.Exception);
    }

    /// <summary>A lost connection is no refusal: the write waits for the database, and storage shows as failing meanwhile.</summary>
    [Fact]
    public async Task A_lost_connection_is_tried_until_the_database_is_back_and_shows_as_failing_meanwhile()
    {
        _store.DownFor = 3;
        var writer = Writer();

        var (outcome, ids) = await writer.WriteAsync([Incidents.Of("p3")], CancellationToken.None).Within("the write once the database is back");

        Assert.Equal(StoreOutcome.Stored, outcome);
        Assert.Equal([1L], ids);
        Assert.Equal(4, _store.Tries["p3"]);
        Assert.True(_store.FailingSeenOnLastTry, "storage shows as failing after three failures in a row");
        Assert.False(_stats.StorageFailing);
        Assert.Equal(0, _stats.RefusedCount);
        Assert.DoesNotContain(_log.Entries, e => e.Level == LogLevel.Error);
    }

    /// <summary>Refuses the incidents <see cref="Refuse"/> picks as PostgreSQL refuses a NUL; is down for the first <see cref="DownFor"/> tries of any other.</summary>
    private sealed class FailingStore : UnusedIncidentStore
    {
        private long _next;

        public Func<Incident, bool> Refuse { get; set; } = _ => false;

        public int DownFor { get; set; }

        public Dictionary<string, int> Tries { get; } = [];

        public PipelineStats? Stats { get; set; }

        public bool FailingSeenOnLastTry { get; private set; }

        public override Task<IReadOnlyList<long>> AddAsync(IReadOnlyList<Incident> incidents, CancellationToken cancellationToken)
        {
            var id = incidents[0].MessageId;
            Tries[id] = Tries.GetValueOrDefault(id) + 1;
            if (incidents.Any(Refuse))
            {
                throw new PostgresException("invalid byte sequence for encoding \"UTF8\": 0x00", "ERROR", "ERROR", PostgresErrorCodes.CharacterNotInRepertoire);
            }

            if (Tries[id] <= DownFor)
            {
                throw new NpgsqlException("Exception while reading from stream", new EndOfStreamException());
            }

            FailingSeenOnLastTry = Stats?.StorageFailing == true;
            return Task.FromResult<IReadOnlyList<long>>([.. incidents.Select(_ => ++_next)]);
        }
    }
}
