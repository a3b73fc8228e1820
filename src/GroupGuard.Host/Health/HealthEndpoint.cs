using GroupGuard.Core;
using GroupGuard.Core.Rules;
using GroupGuard.Host.Pipeline;
using GroupGuard.Host.Webhooks;

namespace GroupGuard.Host.Health;

internal static class HealthEndpoint
{
    private static readonly TimeSpan StorageCheckTimeout = TimeSpan.FromSeconds(5);

    public static IEndpointRouteBuilder MapGroupGuardHealth(this IEndpointRouteBuilder app)
    {
        app.MapGet("/healthz", async (IIncidentStore store, IRuleSetProvider rules, AdapterHealth adapters, PipelineStats stats, EventIntake intake, ActionQueue actions, Digests.DigestService digests, WebhookExposure exposure, CancellationToken cancellationToken) =>
        {
            object storage;
            var storageOk = false;
            using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                timeout.CancelAfter(StorageCheckTimeout);
                try
                {
                    var s = await store.CheckAsync(timeout.Token);
                    storageOk = true;
                    storage = new
                    {
                        status = "ok",
                        provider = s.Provider,
                        location = s.Location,
                        schema_version = s.SchemaVersion,
                        incidents = s.Incidents,
                        last_write_error = stats.StorageError,
                    };
                }
                catch (Exception ex)
                {
                    storage = new { status = "unusable", error = ex.Message };
                }
            }

            var ruleStatus = rules.Status;
            var ruleSet = rules.Current;
            var body = new
            {
                status = !storageOk ? "unhealthy" : ruleStatus.Healthy ? "healthy" : "degraded",
                storage,
                rules = new
                {
                    status = ruleStatus.Healthy ? "ok" : "errors",
                    path = ruleStatus.Path,
                    version = ruleSet.Version,
                    loaded_at = ruleStatus.LoadedAt,
                    packs = ruleSet.Packs.Count,
                    rules = ruleSet.Rules.Count,
                    terms = ruleSet.TermCount,
                    errors = ruleStatus.Errors,
                    warnings = ruleStatus.Warnings,
                },
                adapters = adapters.Snapshot().Select(a => new
                {
                    protocol = a.Protocol,
                    bot_id = a.BotId,
                    last_event_at = a.LastEventAt,
                    events = a.Events,
                }),
                rejected_webhooks = adapters.RejectedSnapshot(),
                webhooks = exposure.Snapshot(),
                pipeline = new
                {
                    queued = intake.Pending,
                    processed = stats.ProcessedCount,
                    incidents = stats.IncidentCount,
                    detection_failures = stats.FailedCount,
                    actions_queued = actions.Pending,
                    actions_failed = stats.ActionsFailed,
                    last_action_error = stats.LastActionError,
                },
                digests = digests.Status.Select(d => new
                {
                    leader = d.Leader,
                    last_period_to = d.PeriodTo,
                    status = d.FailedChannels.Count == 0 ? "sent" : "failing",
                    failed_channels = d.FailedChannels,
                }),
            };

            return Results.Json(body, statusCode: storageOk ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable);
        });

        return app;
    }
}
