// The bare endpoint tools/load.sh measures GroupGuard against: the same Kestrel, the same path,
// the body read to its end, 204 No Content, nothing else (no parsing, journal or moderation).
var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.ClearProviders();
var app = builder.Build();
app.MapPost("/onebot/v11", async (HttpRequest request) =>
{
    var buffer = new byte[16 * 1024];
    while (await request.Body.ReadAsync(buffer, request.HttpContext.RequestAborted) > 0)
    {
    }

    return Results.NoContent();
});
app.MapGet("/healthz", () => Results.Ok());
app.Run();
