using System.Globalization;
using GroupGuard.Core;

namespace GroupGuard.Host.Cli;

internal static class IncidentsCommand
{
    public static async Task<int> ExportAsync(CommandLine command, IIncidentStore store, Stream output, TextWriter error, CancellationToken cancellationToken)
    {
        var format = (command.Option("format") ?? "jsonl").ToLowerInvariant();
        if (format is not ("jsonl" or "csv"))
        {
            await error.WriteLineAsync($"groupguard incidents export: --format must be jsonl or csv, got '{format}'");
            return 2;
        }

        DateTimeOffset? since = null;
        var sinceText = command.Option("since");
        if (sinceText is not null)
        {
            if (!DateTimeOffset.TryParse(sinceText, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed))
            {
                await error.WriteLineAsync($"groupguard incidents export: --since must be an ISO-8601 time such as 2026-11-01 or 2026-11-01T08:00:00+08:00, got '{sinceText}'");
                return 2;
            }

            since = parsed;
        }

        await store.InitializeAsync(cancellationToken);
        var count = await IncidentExport.WriteAsync(store.QueryAsync(new IncidentQuery(since), cancellationToken), format, output, cancellationToken);
        await error.WriteLineAsync(count == 1 ? "1 incident exported" : $"{count} incidents exported");
        return 0;
    }
}
