using System.Runtime.InteropServices;
using SkiaSharp;

namespace GroupGuard.Images;

/// <summary>A picture as grey levels, one byte a pixel, row by row; transparency laid on white.</summary>
internal sealed record LuminancePlane(byte[] Pixels, int Width, int Height)
{
    public byte this[int x, int y] => Pixels[(y * Width) + x];
}

/// <summary>What decoding came to: the plane (of the first frame) and the picture's own size, or why not; how many frames it has (an animation more than one).</summary>
internal readonly record struct DecodeResult(LuminancePlane? Plane, int Width, int Height, bool Refused, string? Reason, int Frames = 1);

/// <summary>
/// Decodes a picture with SkiaSharp (JPEG, PNG, GIF, WebP, BMP, ICO, WBMP, HEIF where the
/// platform's Skia has it). The header is read first: a picture declaring more than the allowed
/// pixels is refused before a byte of it is unpacked. Large pictures are decoded smaller (JPEG in
/// the decoder itself, others after) to at most <see cref="WorkPixels"/>: enough for any QR code a
/// member can scan off a phone screen. <see cref="Decode"/> gives the first frame; an animation's
/// later frames come from <see cref="LaterFrames"/>, a few spread over it, one at a time.
/// </summary>
internal static class PictureDecoder
{
    /// <summary>The most pixels worked on: 4096 × 4096.</summary>
    public const long WorkPixels = 4096L * 4096;

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
        var rgba = new byte[target.BytesSize64];
        var result = DecodeFrame(codec, target, rgba, 0, -1);

        // A picture that breaks off is still worth reading as far as it goes (Skia fills the rest).
        if (!Decoded(result))
        {
            return new DecodeResult(null, info.Width, info.Height, false, $"the picture cannot be decoded ({result})");
        }

        return new DecodeResult(Worked(rgba, target), info.Width, info.Height, false, null, Math.Max(1, codec.FrameCount));
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
