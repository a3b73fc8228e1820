using System.Runtime.InteropServices;
using SkiaSharp;

namespace GroupGuard.Images;

/// <summary>A picture as grey levels, one byte a pixel, row by row; transparency laid on white.</summary>
internal sealed record LuminancePlane(byte[] Pixels, int Width, int Height)
{
    public byte this[int x, int y] => Pixels[(y * Width) + x];
}

/// <summary>What decoding came to: the plane and the picture's own size, or why not.</summary>
internal readonly record struct DecodeResult(LuminancePlane? Plane, int Width, int Height, bool Refused, string? Reason);

/// <summary>
/// Decodes a picture with SkiaSharp (JPEG, PNG, GIF's first frame, WebP, BMP, ICO, WBMP, HEIF where
/// the platform's Skia has it). The header is read first: a picture declaring more than the
/// allowed pixels is refused before a byte of it is unpacked. Large pictures are decoded smaller
/// (JPEG in the decoder itself, others after) to at most <see cref="WorkPixels"/>: enough for any
/// QR code a member can scan off a phone screen.
/// </summary>
internal static class PictureDecoder
{
    /// <summary>The most pixels worked on: 4096 × 4096.</summary>
    public const long WorkPixels = 4096L * 4096;

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

        var size = pixels > WorkPixels ? codec.GetScaledDimensions((float)Math.Sqrt((double)WorkPixels / pixels)) : info.Size;
        var target = new SKImageInfo(size.Width, size.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        var rgba = new byte[target.BytesSize64];
        var handle = GCHandle.Alloc(rgba, GCHandleType.Pinned);
        SKCodecResult result;
        try
        {
            result = codec.GetPixels(target, handle.AddrOfPinnedObject());
        }
        finally
        {
            handle.Free();
        }

        // A picture that breaks off is still worth reading as far as it goes (Skia fills the rest).
        if (result is not (SKCodecResult.Success or SKCodecResult.IncompleteInput))
        {
            return new DecodeResult(null, info.Width, info.Height, false, $"the picture cannot be decoded ({result})");
        }

        var plane = ToLuminance(rgba, size.Width, size.Height);
        if ((long)plane.Width * plane.Height > WorkPixels)
        {
            plane = Shrink(plane, (float)Math.Sqrt((double)WorkPixels / ((long)plane.Width * plane.Height)));
        }

        return new DecodeResult(plane, info.Width, info.Height, false, null);
    }

    /// <summary>Rec. 601 luma, with each pixel's alpha laid over white (stickers are mostly transparent).</summary>
    private static LuminancePlane ToLuminance(byte[] rgba, int width, int height)
    {
        var grey = new byte[width * height];
        for (int i = 0, p = 0; i < grey.Length; i++, p += 4)
        {
            var y = ((rgba[p] * 299) + (rgba[p + 1] * 587) + (rgba[p + 2] * 114)) / 1000;
            var a = rgba[p + 3];
            grey[i] = (byte)(((y * a) + (255 * (255 - a))) / 255);
        }

        return new LuminancePlane(grey, width, height);
    }

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
