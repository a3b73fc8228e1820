using GroupGuard.Core;
using Microsoft.Extensions.Options;

namespace GroupGuard.Images;

/// <summary>
/// Every wrong <c>GroupGuard:Images</c> setting, each named, so the service does not start on one.
/// With <c>Ocr</c> <c>tesseract</c>, tesseract must run and have every language of
/// <c>OcrLanguages</c>, or the error says what to install.
/// </summary>
internal sealed class ImagesOptionsValidator : IValidateOptions<ImagesOptions>
{
    public ValidateOptionsResult Validate(string? name, ImagesOptions options)
    {
        const string S = ImagesOptions.Section;
        var failures = new List<string>();
        if (options.MaxBytes is < 1024 or > 100L * 1024 * 1024)
        {
            failures.Add($"{S}:MaxBytes must be between 1024 and 104857600 (100 MiB), got {options.MaxBytes}");
        }

        if (options.TimeoutSeconds is < 1 or > 60)
        {
            failures.Add($"{S}:TimeoutSeconds must be between 1 and 60, got {options.TimeoutSeconds}");
        }

        if (options.QueueCapacity is < 1 or > 1_000_000)
        {
            failures.Add($"{S}:QueueCapacity must be between 1 and 1000000, got {options.QueueCapacity}");
        }

        if (options.Workers is < 1 or > 16)
        {
            failures.Add($"{S}:Workers must be between 1 and 16, got {options.Workers}");
        }

        if (options.MaxPerMessage is < 1 or > MessageLimits.MaxImages)
        {
            failures.Add($"{S}:MaxPerMessage must be between 1 and {MessageLimits.MaxImages}, got {options.MaxPerMessage}");
        }

        if (options.MaxPixels is < 1_000_000 or > 200_000_000)
        {
            failures.Add($"{S}:MaxPixels must be between 1000000 and 200000000, got {options.MaxPixels}");
        }

        if (!Enum.IsDefined(options.BlockedAction))
        {
            failures.Add($"{S}:BlockedAction must be log, warn, recall, mute or kick, got {options.BlockedAction}");
        }

        if (options.BlockedMuteMinutes is < 1 or > 43_200)
        {
            failures.Add($"{S}:BlockedMuteMinutes must be between 1 and 43200 (30 days), got {options.BlockedMuteMinutes}");
        }

        if (!Enum.IsDefined(options.BlockedSeverity))
        {
            failures.Add($"{S}:BlockedSeverity must be low, medium, high or critical, got {options.BlockedSeverity}");
        }

        if (options.AllowedHosts is { } hosts)
        {
            for (var i = 0; i < hosts.Count; i++)
            {
                if (HostAllowList.Problem(hosts[i]) is { } problem)
                {
                    failures.Add($"{S}:AllowedHosts:{i} '{hosts[i]}' {problem}");
                }
            }
        }

        var ocrFailures = failures.Count;
        if (!Enum.IsDefined(options.Ocr))
        {
            failures.Add($"{S}:Ocr must be off or tesseract, got {options.Ocr}");
        }

        if (options.OcrLanguages is not { Length: > 0 and <= 200 } languages
            || !TesseractOcr.Languages(languages).Any()
            || !TesseractOcr.Languages(languages).All(l => TesseractOcr.LanguageName().IsMatch(l)))
        {
            failures.Add($"{S}:OcrLanguages must be tesseract's language names joined by '+' (e.g. chi_sim+eng), got '{options.OcrLanguages}'");
        }

        if (options.OcrTimeoutSeconds is < 1 or > 120)
        {
            failures.Add($"{S}:OcrTimeoutSeconds must be between 1 and 120, got {options.OcrTimeoutSeconds}");
        }

        if (string.IsNullOrWhiteSpace(options.TesseractPath) || options.TesseractPath.Any(char.IsControl))
        {
            failures.Add($"{S}:TesseractPath must be a program's name or path, got '{options.TesseractPath}'");
        }

        if (options.OcrMaxChars is < 100 or > 10_000)
        {
            failures.Add($"{S}:OcrMaxChars must be between 100 and 10000, got {options.OcrMaxChars}");
        }

        // Only settings that make sense are tried out: tesseract is asked for its languages.
        if (failures.Count == ocrFailures && TesseractOcr.Problem(options) is { } unusable)
        {
            failures.Add(unusable);
        }

        return failures.Count > 0 ? ValidateOptionsResult.Fail(failures) : ValidateOptionsResult.Success;
    }
}
