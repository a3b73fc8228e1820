using System.Buffers;
using System.Text.Json;

namespace GroupGuard.Core;

/// <summary>
/// A delivered event body read as one JSON document, in one pass: with a byte order mark dropped
/// and lone surrogate escapes mended (<see cref="JsonSurrogates.Readable"/>), nesting at most
/// <see cref="MaxDepth"/>, and anything but whitespace after the value malformed. Throws what the
/// JSON reader throws (<see cref="JsonProblem.Of"/> turns it into a reason). Reading the body
/// through a <see cref="Utf8JsonReader"/> into <see cref="JsonDocument.ParseValue"/> walks it twice
/// (once to find where the value ends, once to read it) and copies it in between; this reads it
/// once from a buffer of the pool, returned on <see cref="Dispose"/>.
/// </summary>
public sealed class JsonBody : IDisposable
{
    /// <summary>
    /// How deep objects and arrays may nest: deep enough for a bundle forwarded inside bundles about
    /// fifty deep (NapCat writes each level inline, five levels of JSON a level), of which only
    /// <see cref="Forwards.ForwardLimits.MaxDepth"/> are read; at the reader's default of 64 an event
    /// with fifteen such levels was refused whole, its own text unmoderated. Nothing walks a document
    /// deeper than it reads, and the reader itself keeps no stack per level.
    /// </summary>
    public const int MaxDepth = 256;

    /// <summary>The reader's settings for a body or an answer read as a document.</summary>
    public static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = MaxDepth };

    private byte[]? _buffer;
    private readonly JsonDocument _document;

    private JsonBody(byte[] buffer, JsonDocument document)
    {
        _buffer = buffer;
        _document = document;
    }

    /// <summary>The value the body holds.</summary>
    public JsonElement Root => _document.RootElement;

    public static JsonBody Parse(ReadOnlySpan<byte> body)
    {
        body = JsonSurrogates.Readable(body);
        var buffer = ArrayPool<byte>.Shared.Rent(body.Length);
        try
        {
            body.CopyTo(buffer);
            return new JsonBody(buffer, JsonDocument.Parse(buffer.AsMemory(0, body.Length), DocumentOptions));
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }
    }

    /// <summary>Releases the document; its elements and the strings not yet read from them are gone with it.</summary>
    public void Dispose()
    {
        _document.Dispose();
        if (_buffer is { } buffer)
        {
            _buffer = null;
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
