using System.Runtime.InteropServices;
using SkiaSharp;

namespace GroupGuard.Images;

/// <summary>A picture as grey levels, one byte a pixel, row by row; transparency laid on white.</summary>
internal sealed record LuminancePlane(byte[] Pixels, int Width, int Height)
{
    public byte this[int x, int y] => Pixels[(y * Width) + x];

    /// <summary>The plane upside down (its rows in the other order), in place.</summary>
    public LuminancePlane FlippedRows()
    {
        var row = new byte[Width];
        for (int top = 0, bottom = Height - 1; top < bottom; top++, bottom--)
        {
            var upper = Pixels.AsSpan(top * Width, Width);
            var lower = Pixels.AsSpan(bottom * Width, Width);
            upper.CopyTo(row);
            lower.CopyTo(upper);
            row.CopyTo(lower);
        }

        return this;
    }
}

/// <summary>
/// Averages grey rows down to a smaller plane as they come, top to bottom: each target pixel is the
/// mean of the source area it covers (parts of pixels on its edges weighed by how much of them it
/// covers). Holds one source row's worth of sums and the target plane, never the source.
/// </summary>
internal sealed class RowShrinker
{
    private readonly int _sourceHeight;
    private readonly int[] _column;
    private readonly float[] _columnShare;
    private readonly float _rowScale;
    private readonly float[] _across;
    private float[] _current;
    private float[] _next;
    private int _row;
    private int _sourceRow;

    public RowShrinker(int sourceWidth, int sourceHeight, int width, int height)
    {
        _sourceHeight = sourceHeight;
        Plane = new LuminancePlane(new byte[(long)width * height], width, height);
        _column = new int[sourceWidth];
        _columnShare = new float[sourceWidth];
        var columnScale = (double)width / sourceWidth;
        for (var x = 0; x < sourceWidth; x++)
        {
            // Source pixel x covers [x, x + 1) × scale of the target row: all in one column, or split over two.
            var start = x * columnScale;
            var column = Math.Min((int)start, width - 1);
            _column[x] = column;
            _columnShare[x] = (float)Math.Clamp(column + 1 - start, 0, columnScale);
        }

        _rowScale = (float)height / sourceHeight;
        _across = new float[width];
        _current = new float[width];
        _next = new float[width];
    }

    /// <summary>The target plane: whole once every source row is added.</summary>
    public LuminancePlane Plane { get; }

    public void Add(ReadOnlySpan<byte> grey)
    {
        if (_sourceRow >= _sourceHeight)
        {
            return;
        }

        if (Plane.Width == grey.Length && Plane.Height == _sourceHeight)
        {
            grey.CopyTo(Plane.Pixels.AsSpan(_sourceRow++ * Plane.Width, Plane.Width));
            return;
        }

        // Across: each source pixel's share of the target column(s) it falls in (a target pixel's shares add up to 1).
        var columnScale = (float)Plane.Width / grey.Length;
        Array.Clear(_across);
        for (var x = 0; x < grey.Length; x++)
        {
            var column = _column[x];
            var share = _columnShare[x];
            _across[column] += grey[x] * share;
            if (share < columnScale && column + 1 < _across.Length)
            {
                _across[column + 1] += grey[x] * (columnScale - share);
            }
        }

        // Down: likewise for the target row(s) this source row falls in; a row is done when the next source row starts past it.
        var start = _sourceRow * _rowScale;
        var row = Math.Min((int)start, Plane.Height - 1);
        while (_row < row)
        {
            Emit();
        }

        var rowShare = Math.Clamp(row + 1 - start, 0, _rowScale);
        for (var x = 0; x < _across.Length; x++)
        {
            _current[x] += _across[x] * rowShare;
        }

        if (rowShare < _rowScale)
        {
            for (var x = 0; x < _across.Length; x++)
            {
                _next[x] += _across[x] * (_rowScale - rowShare);
            }
        }

        if (++_sourceRow == _sourceHeight)
        {
            while (_row < Plane.Height)
            {
                Emit();
            }
        }
    }

    private void Emit()
    {
        var target = Plane.Pixels.AsSpan(_row * Plane.Width, Plane.Width);
        for (var x = 0; x < target.Length; x++)
        {
            target[x] = (byte)Math.Clamp(MathF.Round(_current[x]), 0, 255);
        }

        (_current, _next) = (_next, _current);
        Array.Clear(_next);
        _row++;
    }
}

/// <summary>What decoding came to: the plane (of the first frame) and the picture's own size, or why not; how many frames it has (an animation more than one).</summary>
internal readonly record struct DecodeResult(LuminancePlane? Plane, int Width, int Height, bool Refused, string? Reason, int Frames = 1);

/// <summary>
/// Decodes a picture with SkiaSharp (JPEG, PNG, GIF, WebP, BMP, ICO, WBMP, HEIF where the
/// platform's Skia has it). The header is read first: a picture declaring more than the allowed
/// pixels is refused before a byte of it is unpacked. Large pictures are worked on smaller, at most
/// <see cref="WorkPixels"/>: enough for any QR code a member can scan off a phone screen. A still
/// picture Skia hands over row by row (JPEG, BMP, WBMP) is decoded a few rows at a time, each turned
/// grey and averaged down as it comes (a JPEG smaller in the decoder itself first), never held whole
/// in colour. Skia's PNG codec decodes only whole pictures, 4 bytes a pixel (a 170 KB blank PNG of
/// 6300×6300 took 250 MB and seconds): one over the working size is read by rows here
/// (<see cref="PngRows"/>). GIF and WebP are decoded whole, smaller by their codecs; what is still
/// over the working size and cannot be read by rows (an interlaced PNG, an ICO) is refused.
/// <see cref="Decode"/> gives the first frame; an animation's later frames come from
/// <see cref="LaterFrames"/>, a few spread over it, one at a time.
/// </summary>
internal static class PictureDecoder
{
    /// <summary>The most pixels worked on: 4096 × 4096.</summary>
    public const long WorkPixels = 4096L * 4096;

    /// <summary>
    /// The widest picture decoded row by row: what a row costs is held several times over (its
    /// colour, grey, sums), so a picture of 40 million pixels in one row is decoded whole, if at all.
    /// </summary>
    public const int MaxRowWidth = 1 << 16;

    /// <summary>The frames of an animation looked at, at most, the first included.</summary>
    public const int MaxFrames = 8;

    public static DecodeResult Decode(byte[] bytes, long maxPixels)
    {
        // A codec owns its stream and frees it with itself; without one, the stream is ours to free.
        var stream = new SKMemoryStream(bytes);
        using var codec = SKCodec.Create(stream, out _);
        if (codec is null)
        {
            stream.Dispose();
            // Skia says Unimplemented for bytes no codec recognises: to a member's eye, no picture.
            return new DecodeResult(null, 0, 0, true, "not a picture");
        }

        var info = codec.Info;
        var pixels = (long)info.Width * info.Height;
        if (info.Width <= 0 || info.Height <= 0)
        {
            return new DecodeResult(null, info.Width, info.Height, true, "a picture without pixels");
        }

        if (pixels > maxPixels)
        {
            return new DecodeResult(null, info.Width, info.Height, true, $"{info.Width}×{info.Height} is more than {maxPixels} pixels");
        }

        var target = Target(codec);
        var frames = Math.Max(1, codec.FrameCount);
        var rowByRow = frames == 1 && target.Width <= MaxRowWidth;
        if (rowByRow && codec.StartScanlineDecode(target) == SKCodecResult.Success)
        {
            return new DecodeResult(ByRows(codec, target), info.Width, info.Height, false, null);
        }

        // Decoded whole, 4 bytes a pixel: no more than the working size. A larger PNG is read row by
        // row here (Skia's PNG codec has no scanline decoding); anything else is refused unread.
        if ((long)target.Width * target.Height > WorkPixels)
        {
            if (rowByRow && codec.EncodedFormat == SKEncodedImageFormat.Png && PngRows.Read(bytes, WorkPixels) is { } png)
            {
                return new DecodeResult(png, info.Width, info.Height, false, null);
            }

            var format = codec.EncodedFormat.ToString().ToUpperInvariant();
            return new DecodeResult(null, info.Width, info.Height, true, $"a {format} of {info.Width}×{info.Height} cannot be decoded smaller, and is more than {WorkPixels} pixels");
        }

        var rgba = new byte[target.BytesSize64];
        var result = DecodeFrame(codec, target, rgba, 0, -1);

        // A picture that breaks off is still worth reading as far as it goes (Skia fills the rest).
        if (!Decoded(result))
        {
            return new DecodeResult(null, info.Width, info.Height, false, $"the picture cannot be decoded ({result})");
        }

        return new DecodeResult(Worked(rgba, target), info.Width, info.Height, false, null, frames);
    }

    /// <summary>
    /// The picture read from a scanline decoder <paramref name="codec"/> was started on, a few rows
    /// (about a megabyte of RGBA) at a time, each row turned grey and, for a picture over
    /// <see cref="WorkPixels"/>, averaged down as it comes. Rows past where the picture breaks off
    /// are Skia's fill, as a whole decode's are.
    /// </summary>
    private static LuminancePlane ByRows(SKCodec codec, SKImageInfo target)
    {
        var (width, height) = (target.Width, target.Height);
        var pixels = (long)width * height;
        var factor = pixels > WorkPixels ? Math.Sqrt((double)WorkPixels / pixels) : 1;
        var shrinker = new RowShrinker(width, height, Math.Max(1, (int)(width * factor)), Math.Max(1, (int)(height * factor)));
        var bottomUp = codec.ScanlineOrder == SKCodecScanlineOrder.BottomUp;
        var batch = Math.Clamp((1 << 20) / target.RowBytes, 1, height);
        var rows = new byte[(long)batch * target.RowBytes];
        var grey = new byte[width];
        var handle = GCHandle.Alloc(rows, GCHandleType.Pinned);
        try
        {
            for (var line = 0; line < height; line += batch)
            {
                var count = Math.Min(batch, height - line);
                codec.GetScanlines(handle.AddrOfPinnedObject(), count, target.RowBytes);
                for (var i = 0; i < count; i++)
                {
                    // Bottom first, Skia still lays each call's rows top down: they are taken from its last.
                    var at = bottomUp ? count - 1 - i : i;
                    Grey(rows.AsSpan(at * target.RowBytes, width * 4), grey);
                    shrinker.Add(grey);
                }
            }
        }
        finally
        {
            handle.Free();
        }

        // Rows that came bottom first (a BMP's) went in bottom first.
        return bottomUp ? shrinker.Plane.FlippedRows() : shrinker.Plane;
    }

    /// <summary>
    /// The later frames of an animated picture (GIF, WebP) that <see cref="Decode"/> took, decoded
    /// as its first was, one at a time as they are asked for (a scan that finds a code stops the
    /// decoding): at most <see cref="MaxFrames"/> − 1, spread over the animation up to its last
    /// frame. A frame drawn over earlier ones is composed as a viewer would, from the frame it
    /// needs (Skia's <c>RequiredFrame</c>), decoding that one too when the frame before is not it.
    /// Every frame decoded counts against <paramref name="maxPixels"/>, the first included: the
    /// frames stop before one whose decoding would go past it, or at one that cannot be decoded.
    /// </summary>
    public static IEnumerable<LuminancePlane> LaterFrames(byte[] bytes, long maxPixels)
    {
        var stream = new SKMemoryStream(bytes);
        using var codec = SKCodec.Create(stream, out _);
        if (codec is null)
        {
            stream.Dispose();
            yield break;
        }

        var frames = codec.FrameInfo;
        var info = codec.Info;
        if (frames.Length < 2 || info.Width <= 0 || info.Height <= 0 || (long)info.Width * info.Height > maxPixels)
        {
            yield break;
        }

        var target = Target(codec);
        var framePixels = (long)target.Width * target.Height;
        var spent = framePixels; // the first frame's, decoded by Decode
        var rgba = new byte[target.BytesSize64];
        var held = -1; // the frame rgba holds
        foreach (var index in Sample(frames.Length))
        {
            var chain = Chain(frames, index, held);
            spent += chain.Count * framePixels;
            if (spent > maxPixels)
            {
                yield break;
            }

            foreach (var frame in chain)
            {
                // The first of the chain is drawn on nothing or over the frame held; each next over the one before.
                var prior = frames[frame].RequiredFrame < 0 ? -1 : held;
                if (!Decoded(DecodeFrame(codec, target, rgba, frame, prior)))
                {
                    yield break;
                }

                held = frame;
            }

            yield return Worked(rgba, target);
        }
    }

    /// <summary>The frames after the first looked at: all of a short animation, else spread evenly up to the last.</summary>
    private static IEnumerable<int> Sample(int count) =>
        count <= MaxFrames
            ? Enumerable.Range(1, count - 1)
            : Enumerable.Range(1, MaxFrames - 1).Select(k => (int)Math.Round(k * (count - 1) / (double)(MaxFrames - 1))).Distinct();

    /// <summary>
    /// The frames to decode, in order, for <paramref name="index"/> to be composed: it alone when it
    /// stands alone or can be drawn over the frame <paramref name="held"/>, else the frames it
    /// needs back to one that can.
    /// </summary>
    private static List<int> Chain(SKCodecFrameInfo[] frames, int index, int held)
    {
        var chain = new List<int> { index };
        var frame = index;
        while (frames[frame].RequiredFrame is var required and >= 0
            && !(held >= required && held < frame && frames[held].DisposalMethod != SKCodecAnimationDisposalMethod.RestorePrevious))
        {
            chain.Add(required);
            frame = required;
        }

        chain.Reverse();
        return chain;
    }

    /// <summary>What the picture is decoded to: RGBA, within <see cref="WorkPixels"/> when the codec can decode smaller (JPEG, WebP).</summary>
    private static SKImageInfo Target(SKCodec codec)
    {
        var info = codec.Info;
        var pixels = (long)info.Width * info.Height;
        var size = pixels > WorkPixels ? codec.GetScaledDimensions((float)Math.Sqrt((double)WorkPixels / pixels)) : info.Size;
        return new SKImageInfo(size.Width, size.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
    }

    private static SKCodecResult DecodeFrame(SKCodec codec, SKImageInfo target, byte[] rgba, int frame, int prior)
    {
        var handle = GCHandle.Alloc(rgba, GCHandleType.Pinned);
        try
        {
            return codec.GetPixels(target, handle.AddrOfPinnedObject(), new SKCodecOptions(frame, prior));
        }
        finally
        {
            handle.Free();
        }
    }

    private static bool Decoded(SKCodecResult result) => result is SKCodecResult.Success or SKCodecResult.IncompleteInput;

    /// <summary>The decoded pixels as grey, within <see cref="WorkPixels"/>.</summary>
    private static LuminancePlane Worked(byte[] rgba, SKImageInfo target)
    {
        var plane = ToLuminance(rgba, target.Width, target.Height);
        return (long)plane.Width * plane.Height > WorkPixels
            ? Shrink(plane, (float)Math.Sqrt((double)WorkPixels / ((long)plane.Width * plane.Height)))
            : plane;
    }

    private static LuminancePlane ToLuminance(byte[] rgba, int width, int height)
    {
        var grey = new byte[width * height];
        Grey(rgba, grey);
        return new LuminancePlane(grey, width, height);
    }

    /// <summary>Rec. 601 luma, with each pixel's alpha laid over white (stickers are mostly transparent).</summary>
    private static void Grey(ReadOnlySpan<byte> rgba, Span<byte> grey)
    {
        for (int i = 0, p = 0; i < grey.Length; i++, p += 4)
        {
            grey[i] = OnWhite(Luma(rgba[p], rgba[p + 1], rgba[p + 2]), rgba[p + 3]);
        }
    }

    /// <summary>Rec. 601 luma: the grey every decoding path (whole, by rows, a PNG's own rows) takes.</summary>
    internal static byte Luma(byte r, byte g, byte b) => (byte)(((r * 299) + (g * 587) + (b * 114)) / 1000);

    /// <summary>A grey with its alpha laid over white.</summary>
    internal static byte OnWhite(byte grey, byte alpha) => (byte)(((grey * alpha) + (255 * (255 - alpha))) / 255);

    /// <summary>The plane scaled by <paramref name="factor"/> (below 1: area averaging; above: bilinear), at least 1×1.</summary>
    public static LuminancePlane Shrink(LuminancePlane plane, float factor)
    {
        var width = Math.Max(1, (int)Math.Round(plane.Width * factor));
        var height = Math.Max(1, (int)Math.Round(plane.Height * factor));
        using var source = new SKBitmap(new SKImageInfo(plane.Width, plane.Height, SKColorType.Gray8, SKAlphaType.Opaque));
        Marshal.Copy(plane.Pixels, 0, source.GetPixels(), plane.Pixels.Length);
        using var scaled = new SKBitmap(new SKImageInfo(width, height, SKColorType.Gray8, SKAlphaType.Opaque));
        var sampling = factor < 1 ? new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.Linear) : new SKSamplingOptions(SKFilterMode.Linear);
        if (!source.ScalePixels(scaled, sampling))
        {
            throw new InvalidOperationException("Skia could not scale a grey picture");
        }

        var pixels = new byte[width * height];
        Marshal.Copy(scaled.GetPixels(), pixels, 0, pixels.Length);
        return new LuminancePlane(pixels, width, height);
    }
}
