using System.Threading.Channels;
using GroupGuard.Core;
using GroupGuard.Host.Pipeline;
using Microsoft.Extensions.Options;

namespace GroupGuard.Host;

internal static class HostServiceCollectionExtensions
{
    /// <summary>The intake, the queue and the moderation worker between the webhooks and the stores.</summary>
    public static IServiceCollection AddGroupGuardPipeline(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<PipelineOptions>().Bind(configuration.GetSection(PipelineOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<PipelineOptions>, PipelineOptionsValidator>();
        services.AddSingleton(sp => Channel.CreateBounded<ChatMessage>(new BoundedChannelOptions(sp.GetRequiredService<IOptions<PipelineOptions>>().Value.QueueCapacity)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        }));
        services.AddSingleton(sp => new Deduplicator(sp.GetRequiredService<IOptions<PipelineOptions>>().Value.DedupeCapacity));
        services.AddSingleton<AdapterHealth>();
        services.AddSingleton<PipelineStats>();
        services.AddSingleton<EventIntake>();
        services.AddHostedService<StorageStartup>();
        services.AddHostedService<ModerationWorker>();
        return services;
    }
}

internal sealed class PipelineOptionsValidator : IValidateOptions<PipelineOptions>
{
    public ValidateOptionsResult Validate(string? name, PipelineOptions options)
    {
        var failures = new List<string>();
        if (options.QueueCapacity is < 1 or > 10_000_000)
        {
            failures.Add($"GroupGuard:Pipeline:QueueCapacity must be between 1 and 10000000, got {options.QueueCapacity}");
        }

        if (options.DedupeCapacity is < 1 or > 100_000_000)
        {
            failures.Add($"GroupGuard:Pipeline:DedupeCapacity must be between 1 and 100000000, got {options.DedupeCapacity}");
        }

        return failures.Count > 0 ? ValidateOptionsResult.Fail(failures) : ValidateOptionsResult.Success;
    }
}

/// <summary>Creates or upgrades the schema before the service takes traffic.</summary>
internal sealed class StorageStartup(IIncidentStore store) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => store.InitializeAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
