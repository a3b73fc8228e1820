using SkiaSharp;

namespace GroupGuard.Images.Tests;

/// <summary>What the decoder takes and what it refuses before decoding.</summary>
public sealed class PictureDecoderTests
{
    [Fact]
    public void A_decompression_bomb_is_refused_from_its_header()
    {
        var bomb = Pictures.Bomb(60_000, 60_000);

        var result = PictureDecoder.Decode(bomb, 40_000_000);

        Assert.True(bomb.Length < 2_000_000, $"the bomb is {bomb.Length} bytes");
        Assert.Null(result.Plane);
        Assert.True(result.Refused);
        Assert.Equal((60_000, 60_000), (result.Width, result.Height));
        Assert.Contains("60000×60000", result.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("html")]
    [InlineData("empty-png-signature")]
    public void Bytes_that_are_no_picture_are_refused(string kind)
    {
        var bytes = kind switch
        {
            "garbage" => Enumerable.Range(0, 5000).Select(i => (byte)(i * 31)).ToArray(),
            "html" => "<!DOCTYPE html><html><body>登录</body></html>"u8.ToArray(),
            _ => new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A },
        };

        var result = PictureDecoder.Decode(bytes, 40_000_000);

        Assert.Null(result.Plane);
        Assert.True(result.Refused);
    }

    [Fact]
    public void A_picture_cut_short_is_read_as_far_as_it_goes_or_failed_without_throwing()
    {
        using var photo = Pictures.Photo(800, 600, 1);
        var png = Pictures.Png(photo);

        var result = PictureDecoder.Decode(png[..(png.Length / 2)], 40_000_000);

        Assert.True(result.Plane is not null || result.Reason is not null);
    }

    [Fact]
    public void A_corrupt_middle_does_not_throw()
    {
        using var photo = Pictures.Photo(640, 480, 2);
        var jpeg = Pictures.Jpeg(photo);
        var random = new Random(5);
        for (var i = 600; i < jpeg.Length - 10; i += 97)
        {
            jpeg[i] = (byte)random.Next(256);
        }

        var result = PictureDecoder.Decode(jpeg, 40_000_000);

        Assert.True(result.Plane is not null || result.Reason is not null);
    }

    [Fact]
    public void An_animation_is_decoded_at_its_first_frame_and_a_few_later_ones_spread_over_it()
    {
        // 20 frames, each a patch over the one before: frame i has i black dots in the top row.
        using var blank = Pictures.Blank(100, 100);
        using var dot = Pictures.Filled(1, 1, SKColors.Black);
        var gif = Pictures.Gif(100, 100, [(blank, 0, 0), .. Enumerable.Range(1, 19).Select(i => (dot, i - 1, 0))]);

        var first = PictureDecoder.Decode(gif, 40_000_000);
        var later = PictureDecoder.LaterFrames(gif, 40_000_000).ToList();

        Assert.Equal(20, first.Frames);
        Assert.Equal(0, Dots(first.Plane!));
        Assert.Equal(PictureDecoder.MaxFrames - 1, later.Count);
        Assert.Equal([3, 5, 8, 11, 14, 16, 19], later.Select(Dots));
    }

    [Fact]
    public void An_animation_s_frames_stop_where_decoding_them_would_pass_the_pixel_budget()
    {
        using var blank = Pictures.Blank(100, 100);
        using var dot = Pictures.Filled(1, 1, SKColors.Black);
        var gif = Pictures.Gif(100, 100, [(blank, 0, 0), .. Enumerable.Range(1, 19).Select(i => (dot, i - 1, 0))]);

        // Frame 3 needs frames 0 to 3 decoded (40,000 pixels) after the first (10,000), and frame 5 two more.
        Assert.Empty(PictureDecoder.LaterFrames(gif, 49_999));
        Assert.Single(PictureDecoder.LaterFrames(gif, 50_000));
        Assert.Equal(2, PictureDecoder.LaterFrames(gif, 70_000).Count());
    }

    private static int Dots(LuminancePlane plane) => Enumerable.Range(0, plane.Width).Count(x => plane[x, 0] < 128);

    [Fact]
    public void A_small_png_of_huge_dimensions_is_worked_on_at_its_working_size_without_being_held_in_colour()
    {
        // 170 KB; decoded whole to RGBA it took 250 MB and seconds, for nothing to see.
        var blank = Pictures.LargePng(6300, 6300);
        using var code = Pictures.Qr(Pictures.WeChatGroup, 1400);
        var withCode = Pictures.LargePng(6300, 6300, code, 2500, 3000);

        var (result, allocated) = Allocating(() => PictureDecoder.Decode(blank, 40_000_000));
        var (coded, _) = Allocating(() => PictureDecoder.Decode(withCode, 40_000_000));

        Assert.True(blank.Length < 200_000, $"the PNG is {blank.Length} bytes");
        Assert.True(allocated < 80_000_000, $"decoding allocated {allocated} bytes");
        Assert.Equal((6300, 6300), (result.Width, result.Height));
        Assert.True((long)result.Plane!.Width * result.Plane.Height <= PictureDecoder.WorkPixels);
        Assert.All(result.Plane.Pixels, p => Assert.Equal(255, p));
        Assert.Equal([Pictures.WeChatGroup], QrScanner.Scan(coded.Plane!));
    }

    [Fact]
    public void A_second_header_in_a_png_read_by_rows_is_ignored_as_the_size_check_ignored_it()
    {
        var png = Pictures.LargePng(5000, 5000);
        var second = new byte[4 + 4 + 13 + 4];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(second, 13);
        "IHDR"u8.CopyTo(second.AsSpan(4));
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(second.AsSpan(8), 8000);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(second.AsSpan(12), 2000);
        second[16] = 8; // depth
        second[17] = 2; // RGB
        const int AfterFirstHeader = 8 + 4 + 4 + 13 + 4;
        byte[] forged = [.. png.AsSpan(0, AfterFirstHeader), .. second, .. png.AsSpan(AfterFirstHeader)];

        var plane = PngRows.Read(forged, PictureDecoder.WorkPixels)!;

        Assert.Equal(plane.Width, plane.Height); // 5000×5000 worked down, not 8000×2000
    }

    [Fact]
    public void A_png_too_wide_to_read_by_rows_and_too_large_to_decode_whole_is_refused()
    {
        var png = Pictures.LargePng(70_000, 300);

        var (result, allocated) = Allocating(() => PictureDecoder.Decode(png, 40_000_000));

        Assert.Null(result.Plane);
        Assert.True(result.Refused);
        Assert.Equal("a PNG of 70000×300 cannot be decoded smaller, and is more than 16777216 pixels", result.Reason);
        Assert.True(allocated < 10_000_000, $"refusing allocated {allocated} bytes");
    }

    [Fact]
    public void A_bmp_stored_bottom_row_first_is_read_right_way_up()
    {
        // Tall enough to come in several calls of rows.
        using var picture = Pictures.Blank(1200, 1000);
        using var code = Pictures.Qr(Pictures.WeChatContact, 400);
        Pictures.Place(picture, code, 600, 500);
        picture.SetPixel(0, 0, SKColors.Black);

        var plane = PictureDecoder.Decode(Pictures.Bmp(picture), 40_000_000).Plane!;

        Assert.Equal((0, 255), (plane[0, 0], plane[0, 999]));
        Assert.Equal([Pictures.WeChatContact], QrScanner.Scan(plane));
    }

    public static TheoryData<int, int, bool> PngKinds() => new()
    {
        { 0, 1, false }, { 0, 2, true }, { 0, 4, false }, { 0, 8, true }, { 0, 16, true },
        { 2, 8, false }, { 2, 8, true }, { 2, 16, true },
        { 3, 1, false }, { 3, 2, true }, { 3, 4, false }, { 3, 8, true },
        { 4, 8, false }, { 4, 16, false }, { 6, 8, false }, { 6, 16, false },
    };

    [Theory]
    [MemberData(nameof(PngKinds))]
    public void A_png_read_row_by_row_has_the_grey_of_skia_s_whole_decode(int colourType, int depth, bool transparency)
    {
        // 37 pixels a row, so that samples of under a byte end part way through one.
        const int Width = 37, Height = 23;
        var random = new Random((colourType * 100) + depth);
        var channels = colourType switch { 2 => 3, 4 => 2, 6 => 4, _ => 1 };
        var rows = Enumerable.Range(0, Height).Select(_ => RandomBytes(random, ((Width * channels * depth) + 7) / 8)).ToArray();
        var entries = 1 << Math.Min(depth, 8);
        var palette = colourType == 3 ? RandomBytes(random, entries * 3) : null;
        var clear = (colourType, transparency) switch
        {
            (3, true) => RandomBytes(random, entries / 2),
            (0, true) => depth == 16 ? rows[0][..2] : [0, (byte)(depth == 8 ? rows[0][0] : rows[0][0] >> (8 - depth))],
            (2, true) => depth == 16 ? rows[0][..6] : [0, rows[0][0], 0, rows[0][1], 0, rows[0][2]],
            _ => null,
        };
        var png = Pictures.RawPng(Width, Height, depth, colourType, y => rows[y], palette, clear);

        var whole = PictureDecoder.Decode(png, 40_000_000).Plane!;
        var byRows = PngRows.Read(png, PictureDecoder.WorkPixels)!;

        Assert.Equal((Width, Height), (byRows.Width, byRows.Height));
        var differences = whole.Pixels.Zip(byRows.Pixels, (a, b) => Math.Abs(a - b)).ToList();
        Assert.True(differences.Max() <= (depth == 16 ? 2 : 0), $"differences up to {differences.Max()}");
    }

    [Theory]
    [InlineData(400, 400, 200, 200)]
    [InlineData(300, 200, 211, 141)]
    public void Rows_averaged_down_keep_each_area_s_mean(int width, int height, int toWidth, int toHeight)
    {
        // Squares of 8 pixels, black and white; and a flat grey.
        var shrinker = new RowShrinker(width, height, toWidth, toHeight);
        var flat = new RowShrinker(width, height, toWidth, toHeight);
        for (var y = 0; y < height; y++)
        {
            shrinker.Add(Enumerable.Range(0, width).Select(x => (byte)((((x / 8) + (y / 8)) % 2) * 255)).ToArray());
            flat.Add(Enumerable.Repeat((byte)100, width).ToArray());
        }

        Assert.All(flat.Plane.Pixels, p => Assert.Equal(100, p));
        if (toWidth * 2 == width)
        {
            // Each target pixel is two by two source pixels of one square.
            Assert.Equal(
                Enumerable.Range(0, toWidth * toHeight).Select(i => (byte)(((((i % toWidth) / 4) + ((i / toWidth) / 4)) % 2) * 255)),
                shrinker.Plane.Pixels);
        }
        else
        {
            Assert.InRange(shrinker.Plane.Pixels.Average(p => p), 124, 131);
        }
    }

    private static (T Result, long Allocated) Allocating<T>(Func<T> work)
    {
        var before = GC.GetAllocatedBytesForCurrentThread();
        var result = work();
        return (result, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    private static byte[] RandomBytes(Random random, int count)
    {
        var bytes = new byte[count];
        random.NextBytes(bytes);
        return bytes;
    }

    [Fact]
    public void Grey_levels_lay_transparency_on_white()
    {
        using var bitmap = new SKBitmap(new SKImageInfo(4, 4, SKColorType.Rgba8888, SKAlphaType.Premul));
        bitmap.Erase(SKColors.Transparent);
        bitmap.SetPixel(0, 0, SKColors.Black);

        var plane = PictureDecoder.Decode(Pictures.Png(bitmap), 40_000_000).Plane!;

        Assert.Equal(0, plane[0, 0]);
        Assert.Equal(255, plane[3, 3]);
    }

    [Fact]
    public void A_large_picture_is_worked_on_at_most_at_the_working_size()
    {
        using var photo = Pictures.Photo(5000, 4000, 4);

        var result = PictureDecoder.Decode(Pictures.Jpeg(photo, 70), 40_000_000);

        Assert.Equal((5000, 4000), (result.Width, result.Height));
        Assert.True((long)result.Plane!.Width * result.Plane.Height <= PictureDecoder.WorkPixels);
    }
}
