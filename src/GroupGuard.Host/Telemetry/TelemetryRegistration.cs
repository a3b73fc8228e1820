using GroupGuard.Host.Pipeline;
using Microsoft.Extensions.Options;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace GroupGuard.Host.Telemetry;

/// <summary><c>GroupGuard:Telemetry</c>: where the service's metrics go.</summary>
internal sealed class TelemetryOptions
{
    public const string Section = "GroupGuard:Telemetry";

    /// <summary>Serve <c>/metrics</c> in Prometheus's text format (on the service's own address).</summary>
    public bool Prometheus { get; set; }

    /// <summary>Push metrics over OTLP (gRPC, or HTTP when the URL ends in <c>/v1/metrics</c>) to this collector.</summary>
    public string? OtlpEndpoint { get; set; }
}

internal sealed class TelemetryOptionsValidator : IValidateOptions<TelemetryOptions>
{
    public ValidateOptionsResult Validate(string? name, TelemetryOptions options) =>
        options.OtlpEndpoint is { Length: > 0 } endpoint
        && !(Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https")
            ? ValidateOptionsResult.Fail($"{TelemetryOptions.Section}:OtlpEndpoint must be an http or https URL, got '{(endpoint.Length > 80 ? endpoint[..80] + "…" : endpoint)}'")
            : ValidateOptionsResult.Success;
}

internal static class TelemetryRegistration
{
    /// <summary>The instruments always; OpenTelemetry's metrics pipeline only when an exporter is set.</summary>
    public static IServiceCollection AddGroupGuardTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<TelemetryOptions>().Bind(configuration.GetSection(TelemetryOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<TelemetryOptions>, TelemetryOptionsValidator>();
        services.AddMetrics();
        services.AddSingleton<GroupGuardMetrics>();

        var options = configuration.GetSection(TelemetryOptions.Section).Get<TelemetryOptions>() ?? new TelemetryOptions();
        if (!options.Prometheus && string.IsNullOrWhiteSpace(options.OtlpEndpoint))
        {
            return services;
        }

        var otel = services.AddOpenTelemetry();
        if (Uri.TryCreate(options.OtlpEndpoint, UriKind.Absolute, out var traceEndpoint))
        {
            // Traces go where the metrics go (OTLP only: Prometheus takes no traces).
            otel.WithTracing(tracing => tracing
                .AddSource(GroupGuardMetrics.MeterName)
                .AddOtlpExporter(o =>
                {
                    o.Endpoint = traceEndpoint.AbsolutePath.EndsWith("/v1/metrics", StringComparison.Ordinal)
                        ? new Uri(traceEndpoint, "/v1/traces")
                        : traceEndpoint;
                    o.Protocol = traceEndpoint.AbsolutePath.EndsWith("/v1/metrics", StringComparison.Ordinal) ? OtlpExportProtocol.HttpProtobuf : OtlpExportProtocol.Grpc;
                }));
        }

        otel.WithMetrics(metrics =>
        {
            metrics.AddMeter(GroupGuardMetrics.MeterName);
            if (options.Prometheus)
            {
                // Each scrape reads the counters as they are now.
                metrics.AddPrometheusExporter(o => o.ScrapeResponseCacheDurationMilliseconds = 0);
            }

            if (Uri.TryCreate(options.OtlpEndpoint, UriKind.Absolute, out var endpoint))
            {
                metrics.AddOtlpExporter(o =>
                {
                    o.Endpoint = endpoint;
                    o.Protocol = endpoint.AbsolutePath.EndsWith("/v1/metrics", StringComparison.Ordinal) ? OtlpExportProtocol.HttpProtobuf : OtlpExportProtocol.Grpc;
                });
            }
        });
        return services;
    }

    /// <summary>The queue gauges, and <c>/metrics</c> when Prometheus is on.</summary>
    public static WebApplication UseGroupGuardTelemetry(this WebApplication app)
    {
        app.Services.GetRequiredService<GroupGuardMetrics>().Observe(
            () => app.Services.GetRequiredService<EventIntake>().Pending,
            () => app.Services.GetRequiredService<ActionQueue>().Pending);
        if (app.Configuration.GetSection(TelemetryOptions.Section).Get<TelemetryOptions>() is { Prometheus: true })
        {
            app.MapPrometheusScrapingEndpoint("/metrics");
        }

        return app;
    }
}
