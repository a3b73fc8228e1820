using GroupGuard.Core;
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
        services.AddOptions<TelemetryOptions>().BindChecked(configuration.GetSection(TelemetryOptions.Section)).ValidateOnStart();
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
                    o.Endpoint = TracesEndpoint(traceEndpoint);
                    o.Protocol = IsHttp(traceEndpoint) ? OtlpExportProtocol.HttpProtobuf : OtlpExportProtocol.Grpc;
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
                    o.Protocol = IsHttp(endpoint) ? OtlpExportProtocol.HttpProtobuf : OtlpExportProtocol.Grpc;
                });
            }
        });
        return services;
    }

    private const string MetricsPath = "/v1/metrics";

    /// <summary>An endpoint ending in <c>/v1/metrics</c> is OTLP over HTTP; any other, gRPC.</summary>
    private static bool IsHttp(Uri endpoint) => endpoint.AbsolutePath.EndsWith(MetricsPath, StringComparison.Ordinal);

    /// <summary>
    /// Where traces go when metrics go to <paramref name="metrics"/>: over HTTP, the same URL with its
    /// last <c>/v1/metrics</c> made <c>/v1/traces</c> (a collector behind a path prefix, such as
    /// <c>https://gateway/otlp/v1/metrics</c>, keeps its prefix); over gRPC, the same endpoint.
    /// </summary>
    internal static Uri TracesEndpoint(Uri metrics)
    {
        if (!IsHttp(metrics))
        {
            return metrics;
        }

        var path = metrics.AbsolutePath;
        return new UriBuilder(metrics) { Path = path[..^MetricsPath.Length] + "/v1/traces" }.Uri;
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
