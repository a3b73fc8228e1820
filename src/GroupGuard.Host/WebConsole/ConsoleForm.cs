using System.Text;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace GroupGuard.Host.WebConsole;

/// <summary>
/// A console form (<c>application/x-www-form-urlencoded</c>, as every console form is sent) read
/// within the bounds ASP.NET Core reads one in (<see cref="FormOptions"/>: how many values, how long
/// a key and a value; the body's size is Kestrel's), with a NUL (<c>%00</c>) kept as the character
/// it is. ASP.NET Core's own reader (<c>FormPipeReader</c>) refuses a form holding one as invalid
/// data; antiforgery, the first to read the form, took that for a missing token, and the post was an
/// empty 400 before the page ran. Read here, the NUL reaches the page, which refuses it as it refuses
/// any control character it cannot take, on its own page in the reader's words, naming the field
/// (<see cref="Pages.ConsolePage.RefuseForm"/>). Any other form (multipart: no console form is one)
/// is read as ASP.NET Core reads it.
/// </summary>
internal sealed class ConsoleForm : IFormFeature
{
    private const int Utf7CodePage = 65000;

    private readonly HttpRequest _request;
    private readonly FormOptions _options;
    private Task<IFormCollection>? _reading;

    private ConsoleForm(HttpRequest request, FormOptions options) => (_request, _options) = (request, options);

    /// <summary>Reads <paramref name="context"/>'s form, when it has one of the kind every console form is, as <see cref="ConsoleForm"/> says.</summary>
    public static void Use(HttpContext context)
    {
        if (MediaTypeHeaderValue.TryParse(context.Request.ContentType, out var type)
            && type.MediaType.Equals("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase))
        {
            var options = context.RequestServices.GetRequiredService<IOptions<FormOptions>>().Value;
            context.Features.Set<IFormFeature>(new ConsoleForm(context.Request, options));
        }
    }

    public bool HasFormContentType => true;

    public IFormCollection? Form { get; set; }

    public IFormCollection ReadForm() => Form ?? ReadFormAsync(CancellationToken.None).GetAwaiter().GetResult();

    public Task<IFormCollection> ReadFormAsync(CancellationToken cancellationToken) =>
        Form is { } form ? Task.FromResult(form) : _reading ??= ReadAsync(cancellationToken);

    private async Task<IFormCollection> ReadAsync(CancellationToken cancellationToken)
    {
        if (_request.ContentLength == 0)
        {
            return Form = FormCollection.Empty;
        }

        // As ASP.NET Core reads a form: in the charset the post names, UTF-8 where none (or UTF-7).
        MediaTypeHeaderValue.TryParse(_request.ContentType, out var type);
        var encoding = type?.Encoding is { CodePage: not Utf7CodePage } named ? named : Encoding.UTF8;
        using var reader = new FormReader(_request.Body, encoding)
        {
            ValueCountLimit = _options.ValueCountLimit,
            KeyLengthLimit = _options.KeyLengthLimit,
            ValueLengthLimit = _options.ValueLengthLimit,
        };
        return Form = new FormCollection(await reader.ReadFormAsync(cancellationToken).ConfigureAwait(false));
    }
}
