using ZXing;
using ZXing.Common;
using ZXing.Multi.QrCode;
using ZXing.QrCode;
using ZXing.QrCode.Internal;

namespace GroupGuard.Images;

/// <summary>
/// Finds every QR code in a picture with ZXing.Net, however many, small, turned or on a busy
/// background: the picture is read at a working size (at most <see cref="WorkSide"/> on its longer
/// side; a small one doubled), then at full size when larger; at each size the multi-code reader
/// and then the single-code reader run with TryHarder (a hybrid binariser, then a global one), and
/// each code found is painted over so that the next pass sees what it hid. An animation's frames
/// are read so in turn until one holds a code. When that finds nothing, the (first) picture's
/// negative is read at the first size (multi-code reader only), for a light code on a dark ground.
/// Each payload is reported once, in the order found.
/// <para>
/// The work is bounded: ZXing reports each finder-pattern candidate it finds, and a reader that
/// meets more than <see cref="MaxFinderCandidates"/> in one pass is stopped there, before it pairs
/// them up (the multi-code reader's cost and memory grow with the cube of the candidates: a 2.5 KB
/// grid of finder-like squares took minutes and gigabytes). A part of the picture so stopped is
/// read again in two overlapping parts (two thirds of its longer side each), each with its own
/// bound, larger parts first, so that a strip of decoys or a collage of many codes does not hide
/// the codes beside it; codes found are kept and painted over for the parts read after. The parts
/// read so at one size add up to at most <see cref="SplitBudget"/> times its pixels; past that, or
/// at parts under <see cref="MinPartSide"/> pixels still too busy, the scan gives up on the rest
/// (<see cref="QrScan.GaveUp"/>), and reads no further frame and no negative. The stop token is
/// heeded between passes and at each candidate.
/// </para>
/// </summary>
internal static class QrScanner
{
    /// <summary>The longer side the first pass works at.</summary>
    public const int WorkSide = 1600;

    /// <summary>Codes read from one picture, at most; passes stop there.</summary>
    public const int MaxCodes = 16;

    /// <summary>
    /// Finder-pattern candidates one reader may meet in one pass, at most: 16 codes have 48 finder
    /// patterns, and busy photos add a few false ones.
    /// </summary>
    public const int MaxFinderCandidates = 64;

    /// <summary>
    /// The pixels of the parts a picture too busy to read whole is read in, at one size, at most, as
    /// a multiple of its own: a hostile picture costs about this many times more passes than a
    /// plain one of its size.
    /// </summary>
    public const int SplitBudget = 4;

    /// <summary>A part of a picture whose longer side is under this is not split further: a code needs room.</summary>
    public const int MinPartSide = 96;

    private const int SmallSide = 400;

    /// <summary>The payloads found, each once.</summary>
    public static IReadOnlyList<string> Scan(LuminancePlane plane) => Read(plane, CancellationToken.None).Codes;

    /// <summary>The payloads found, and whether the scan gave up on a picture with too many finder-like shapes.</summary>
    public static QrScan Read(LuminancePlane plane, CancellationToken cancellationToken) => Read([plane], cancellationToken);

    /// <summary>
    /// The payloads found in the frames of a picture (one, or an animation's), read in turn until
    /// one holds a code, and whether the scan gave up on one with too many finder-like shapes.
    /// </summary>
    public static QrScan Read(IEnumerable<LuminancePlane> frames, CancellationToken cancellationToken)
    {
        var found = new List<string>();
        var gaveUp = false;
        LuminancePlane? firstOfAll = null;
        foreach (var plane in frames)
        {
            var longer = Math.Max(plane.Width, plane.Height);
            var first = longer < SmallSide ? PictureDecoder.Shrink(plane, 2f)
                : longer > WorkSide ? PictureDecoder.Shrink(plane, (float)WorkSide / longer)
                : plane;
            firstOfAll ??= first;
            gaveUp |= !ScanAt(first, found, cancellationToken);
            if (!ReferenceEquals(first, plane))
            {
                gaveUp |= !ScanAt(plane, found, cancellationToken);
            }

            if (found.Count > 0 || gaveUp)
            {
                break;
            }
        }

        // A light code on a dark ground (an inverted one) has no dark finder patterns for the
        // readers: its negative is read too, only when nothing else was found, at the first
        // size of the first frame and with the multi-code reader alone (most pictures hold no
        // code, and each pays for this: about one reader pass more).
        if (found.Count == 0 && !gaveUp && firstOfAll is not null)
        {
            gaveUp = !ScanAt(Negative(firstOfAll), found, cancellationToken, singleReaders: false);
        }

        return new QrScan(found, gaveUp);
    }

    /// <summary>The plane with each grey level turned over (black for white).</summary>
    private static LuminancePlane Negative(LuminancePlane plane)
    {
        var pixels = new byte[plane.Pixels.Length];
        for (var i = 0; i < pixels.Length; i++)
        {
            pixels[i] = (byte)(255 - plane.Pixels[i]);
        }

        return new LuminancePlane(pixels, plane.Width, plane.Height);
    }

    /// <summary>
    /// Reads the plane, whole or, where too busy, in parts (<see cref="SplitBudget"/>); false when
    /// some of it was given up on.
    /// </summary>
    private static bool ScanAt(LuminancePlane plane, List<string> found, CancellationToken cancellationToken, bool singleReaders = true)
    {
        var work = (byte[])plane.Pixels.Clone();
        var budget = SplitBudget * (long)plane.Width * plane.Height;
        var parts = new Queue<Part>();
        parts.Enqueue(new Part(0, 0, plane.Width, plane.Height));
        while (found.Count < MaxCodes && parts.TryDequeue(out var part))
        {
            if (part.Width != plane.Width || part.Height != plane.Height)
            {
                budget -= (long)part.Width * part.Height;
                if (budget < 0)
                {
                    return false;
                }
            }

            if (ScanPart(work, plane.Width, plane.Height, part, found, singleReaders, cancellationToken))
            {
                continue;
            }

            if (Math.Max(part.Width, part.Height) < MinPartSide)
            {
                return false;
            }

            parts.Enqueue(part.First);
            parts.Enqueue(part.Second);
        }

        return true;
    }

    /// <summary>Reads one part of the plane until it shows no new code; false when it was too busy to read.</summary>
    private static bool ScanPart(byte[] work, int width, int height, Part part, List<string> found, bool singleReaders, CancellationToken cancellationToken)
    {
        while (found.Count < MaxCodes)
        {
            cancellationToken.ThrowIfCancellationRequested();
            List<Result> results;
            try
            {
                results = Decode(work, width, height, part, singleReaders, cancellationToken);
            }
            catch (TooComplexException)
            {
                return false;
            }

            if (results.Count == 0)
            {
                return true;
            }

            var added = false;
            foreach (var result in results)
            {
                if (!string.IsNullOrEmpty(result.Text) && !found.Contains(result.Text, StringComparer.Ordinal) && found.Count < MaxCodes)
                {
                    found.Add(result.Text);
                    added = true;
                }

                PaintOver(work, width, height, part, result.ResultPoints);
            }

            if (!added)
            {
                return true; // only codes seen before: painting them over did not help, nothing more to find
            }
        }

        return true;
    }

    /// <summary>A rectangle of a plane; <see cref="First"/> and <see cref="Second"/> are its two overlapping halves, each two thirds of its longer side.</summary>
    private readonly record struct Part(int X, int Y, int Width, int Height)
    {
        public Part First => Width >= Height ? this with { Width = Third2(Width) } : this with { Height = Third2(Height) };

        public Part Second => Width >= Height
            ? new Part(X + Width - Third2(Width), Y, Third2(Width), Height)
            : new Part(X, Y + Height - Third2(Height), Width, Third2(Height));

        private static int Third2(int side) => ((side * 2) + 2) / 3;
    }

    private static List<Result> Decode(byte[] pixels, int width, int height, Part part, bool singleReaders, CancellationToken cancellationToken)
    {
        var source = new PlanarYUVLuminanceSource(pixels, width, height, part.X, part.Y, part.Width, part.Height, false);
        var multi = new QRCodeMultiReader().decodeMultiple(new BinaryBitmap(new HybridBinarizer(source)), Hints(cancellationToken));
        if (multi is { Length: > 0 })
        {
            return [.. multi];
        }

        if (!singleReaders)
        {
            return [];
        }

        foreach (var bitmap in new[] { new BinaryBitmap(new HybridBinarizer(source)), new BinaryBitmap(new GlobalHistogramBinarizer(source)) })
        {
            if (new QRCodeReader().decode(bitmap, Hints(cancellationToken)) is { } single)
            {
                return [single];
            }
        }

        return [];
    }

    /// <summary>
    /// The hints for one reader's pass, with a callback that counts the finder-pattern candidates
    /// ZXing finds (it is called once for each new one, before they are paired up) and stops the
    /// pass past <see cref="MaxFinderCandidates"/>, or when the stop token fires.
    /// </summary>
    private static Dictionary<DecodeHintType, object> Hints(CancellationToken cancellationToken)
    {
        var candidates = 0;
        ResultPointCallback count = point =>
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (point is FinderPattern && ++candidates > MaxFinderCandidates)
            {
                throw new TooComplexException();
            }
        };
        return new()
        {
            [DecodeHintType.TRY_HARDER] = true,
            [DecodeHintType.POSSIBLE_FORMATS] = new List<BarcodeFormat> { BarcodeFormat.QR_CODE },
            [DecodeHintType.NEED_RESULT_POINT_CALLBACK] = count,
        };
    }

    /// <summary>Thrown out of ZXing by the candidate count, to stop a pass at once.</summary>
    private sealed class TooComplexException : Exception
    {
    }

    /// <summary>
    /// Paints a found code white: ZXing gives the centres of its finder patterns (bottom-left,
    /// top-left, top-right); the fourth corner completes the square, and a margin of a quarter of
    /// its side covers the patterns' outer rings and the quiet zone.
    /// </summary>
    private static void PaintOver(byte[] pixels, int width, int height, Part part, ResultPoint[]? points)
    {
        if (points is not { Length: >= 3 })
        {
            return;
        }

        // The points are the part's; the plane's are offset by its corner.
        var xs = new List<float>(points.Select(p => p.X)) { points[0].X + points[2].X - points[1].X }.ConvertAll(x => x + part.X);
        var ys = new List<float>(points.Select(p => p.Y)) { points[0].Y + points[2].Y - points[1].Y }.ConvertAll(y => y + part.Y);
        var side = Math.Max(xs.Max() - xs.Min(), ys.Max() - ys.Min());
        var margin = (side / 4) + 2;
        var left = Math.Clamp((int)(xs.Min() - margin), 0, width);
        var right = Math.Clamp((int)Math.Ceiling(xs.Max() + margin), 0, width);
        var top = Math.Clamp((int)(ys.Min() - margin), 0, height);
        var bottom = Math.Clamp((int)Math.Ceiling(ys.Max() + margin), 0, height);
        for (var y = top; y < bottom; y++)
        {
            Array.Fill(pixels, (byte)255, (y * width) + left, right - left);
        }
    }
}

/// <summary>What one picture's scan found: each payload once, and whether it gave up on some of it (too many finder-like shapes, even in parts).</summary>
internal sealed record QrScan(IReadOnlyList<string> Codes, bool GaveUp);
