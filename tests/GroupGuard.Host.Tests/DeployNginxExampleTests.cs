using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.RegularExpressions;

namespace GroupGuard.Host.Tests;

/// <summary>
/// deploy/nginx.example.conf as shipped, run by Debian's nginx in front of the service's executable
/// (<see cref="GroupGuardProcess"/>; deploy/nginx.md). Only what an unprivileged run on loopback needs is changed: its two listen
/// ports, its certificate (a self-signed one for its own server_name) and the port it passes on to.
/// <c>nginx -t</c> must take the file as it is, and what the network reaches through it must be
/// what nginx.md promises: a reverse WebSocket without the token is refused (401) when
/// <c>GroupGuard:OneBot:AccessToken</c> is unset, which needs nginx to pass X-Forwarded-For on in
/// the WebSocket's own location too. nginx is installed by tools/test-prerequisites.sh; without it
/// these tests fail, they are not skipped.
/// </summary>
public sealed class DeployNginxExampleTests
{
    private const string NginxPath = "/usr/sbin/nginx";
    private const string ServerName = "guard.example.org";
    private const string ShippedUpstream = "http://127.0.0.1:5140";

    [Fact]
    public async Task Through_the_example_nginx_a_reverse_websocket_without_a_token_is_refused_when_no_access_token_is_set()
    {
        using var service = new GroupGuardFactory();
        var environment = StartupAndHealthTests.Environment(service);
        Assert.False(environment.ContainsKey("GroupGuard__OneBot__AccessToken"));

        await using var rig = await Rig.StartAsync(service.Folder, environment);

        // On loopback, with no proxy between, the unprotected socket takes the bot: what nginx
        // must not let the network do.
        using (var direct = await rig.UpgradeAsync(rig.Service, token: null))
        {
            Assert.Equal(HttpStatusCode.SwitchingProtocols, direct.StatusCode);
        }

        // Through nginx it is refused before the upgrade, naming the setting (deploy/nginx.md, step 2).
        using var proxied = await rig.UpgradeAsync(rig.Https, token: null);
        Assert.Equal(HttpStatusCode.Unauthorized, proxied.StatusCode);
        var body = await proxied.Content.ReadAsStringAsync();
        Assert.Contains("X-Forwarded-For", body, StringComparison.Ordinal);
        Assert.Contains("GroupGuard:OneBot:AccessToken", body, StringComparison.Ordinal);

        // The rest of the file as nginx.md says: /healthz stays on the machine, plain HTTP is sent to HTTPS.
        using var health = await rig.Http.GetAsync(new Uri(rig.Https, "/healthz"));
        Assert.Equal(HttpStatusCode.NotFound, health.StatusCode);
        using var plain = await rig.Http.GetAsync(new Uri(rig.Plain, "/console"));
        Assert.Equal(HttpStatusCode.MovedPermanently, plain.StatusCode);
        Assert.Equal($"https://{ServerName}/console", plain.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task Through_the_example_nginx_a_reverse_websocket_with_the_access_token_connects()
    {
        const string Token = "nginx-example-access-token";
        using var service = new GroupGuardFactory();
        var environment = StartupAndHealthTests.Environment(service);
        environment["GroupGuard__OneBot__AccessToken"] = Token;

        await using var rig = await Rig.StartAsync(service.Folder, environment);

        using (var wrong = await rig.UpgradeAsync(rig.Https, token: "not-the-access-token-at-all"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        }

        // A real WebSocket through nginx's upgrade, kept open past a message each way.
        using var socket = new ClientWebSocket();
        socket.Options.SetRequestHeader("X-Self-ID", "10001");
        socket.Options.SetRequestHeader("Authorization", "Bearer " + Token);
        socket.Options.CollectHttpResponseDetails = true;
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await socket.ConnectAsync(new Uri($"wss://{ServerName}:{rig.Https.Port}/onebot/v11/ws"), rig.Invoker, cancel.Token);
        Assert.Equal(HttpStatusCode.SwitchingProtocols, socket.HttpStatusCode);

        // An advert in through nginx, its recall out through nginx, answered by the bot.
        await using var bot = new FakeOneBotSocket(socket);
        await bot.SendAsync(GroupGuardFactory.GroupEvent(901, "私聊领取资料", time: DateTimeOffset.UtcNow.ToUnixTimeSeconds()));
        var recall = await bot.Calls.WaitForAsync(call => call.Action == "delete_msg", "the recall through nginx");
        Assert.Equal(901, recall.Params["message_id"]!.GetValue<long>());
    }

    /// <summary>
    /// The service's executable and nginx running the example in front of it, both killed on dispose;
    /// <see cref="Http"/> reaches nginx by the example's server_name (Host and SNI), connecting to loopback.
    /// </summary>
    private sealed class Rig : IAsyncDisposable
    {
        private readonly Process _service;
        private readonly Process _nginx;

        private Rig(Process service, Process nginx, Uri serviceAddress, int plainPort, int httpsPort, string certificateHash)
        {
            _service = service;
            _nginx = nginx;
            Service = serviceAddress;
            Plain = new Uri($"http://{ServerName}:{plainPort}");
            Https = new Uri($"https://{ServerName}:{httpsPort}");
            var handler = new SocketsHttpHandler
            {
                AllowAutoRedirect = false,
                UseCookies = false,
                ConnectCallback = async (context, token) =>
                {
                    var tcp = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                    try
                    {
                        await tcp.ConnectAsync(IPAddress.Loopback, context.DnsEndPoint.Port, token);
                        return new NetworkStream(tcp, ownsSocket: true);
                    }
                    catch
                    {
                        tcp.Dispose();
                        throw;
                    }
                },
            };

            // Only the certificate made for this run is taken.
            handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, _) =>
                certificate is not null && string.Equals(certificate.GetCertHashString(HashAlgorithmName.SHA256), certificateHash, StringComparison.Ordinal);
            Invoker = new HttpMessageInvoker(handler);
            Http = new HttpClient(handler, disposeHandler: false) { Timeout = TimeSpan.FromSeconds(60) };
        }

        /// <summary>GroupGuard itself, on loopback.</summary>
        public Uri Service { get; }

        /// <summary>nginx's plain HTTP server (the example's port 80).</summary>
        public Uri Plain { get; }

        /// <summary>nginx's TLS server (the example's port 443).</summary>
        public Uri Https { get; }

        public HttpMessageInvoker Invoker { get; }

        public HttpClient Http { get; }

        public static async Task<Rig> StartAsync(string serviceFolder, Dictionary<string, string> environment)
        {
            Assert.True(
                File.Exists(NginxPath),
                $"These tests run deploy/nginx.example.conf in Debian's nginx ({NginxPath}), which is not installed: apt-get install nginx (dotnet test installs it when it can, tools/test-prerequisites.sh).");

            var serviceAddress = new Uri(environment["ASPNETCORE_URLS"]);
            var folder = Path.Combine(serviceFolder, "nginx");
            Directory.CreateDirectory(folder);
            var plainPort = GroupGuardProcess.FreePort();
            var httpsPort = GroupGuardProcess.FreePort();
            var certificateHash = WriteCertificate(folder);
            File.WriteAllText(Path.Combine(folder, "site.conf"), Rewrite(
                File.ReadAllText(Path.Combine(RepoPaths.Root, "deploy", "nginx.example.conf")),
                plainPort,
                httpsPort,
                serviceAddress.Port,
                folder));
            File.WriteAllText(Path.Combine(folder, "nginx.conf"), MainConfiguration(folder));

            var check = await RunAsync(NginxPath, ["-t", .. Arguments(folder)]);
            Assert.True(check.ExitCode == 0, $"nginx -t refused deploy/nginx.example.conf: {check.Error}");

            var service = GroupGuardProcess.Start(serviceFolder, environment);
            _ = service.StandardOutput.ReadToEndAsync();
            _ = service.StandardError.ReadToEndAsync();
            Process? nginx = null;
            Rig? rig = null;
            try
            {
                using (var http = new HttpClient { BaseAddress = serviceAddress })
                {
                    await GroupGuardProcess.WaitHealthyAsync(http, service);
                }

                nginx = StartNginx(folder);
                await WaitListeningAsync(nginx, folder, plainPort, httpsPort);
                rig = new Rig(service, nginx, serviceAddress, plainPort, httpsPort, certificateHash);
                return rig;
            }
            finally
            {
                // Handed over, the rig kills both on dispose; short of that, they go now.
                if (rig is null)
                {
                    await StopAsync(nginx);
                    await StopAsync(service);
                }
            }
        }

        /// <summary>
        /// A reverse WebSocket's opening request as a OneBot implementation sends it (Upgrade,
        /// X-Self-ID, the token as Bearer when given), over HTTP/1.1; the answer's headers only.
        /// </summary>
        public async Task<HttpResponseMessage> UpgradeAsync(Uri server, string? token)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(server, "/onebot/v11/ws"))
            {
                Version = HttpVersion.Version11,
                VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            };
            request.Headers.Connection.Add("Upgrade");
            request.Headers.Upgrade.Add(new ProductHeaderValue("websocket"));
            request.Headers.Add("Sec-WebSocket-Version", "13");
            request.Headers.Add("Sec-WebSocket-Key", Convert.ToBase64String(RandomNumberGenerator.GetBytes(16)));
            request.Headers.Add("X-Self-ID", "10001");
            if (token is not null)
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            }

            return await Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        }

        public async ValueTask DisposeAsync()
        {
            Http.Dispose();
            Invoker.Dispose();
            await StopAsync(_nginx);
            await StopAsync(_service);
        }

        /// <summary>
        /// The shipped file with only its listen ports, certificate files and upstream port changed.
        /// Each change is checked to have happened, so a reworded example fails here rather than
        /// running with a part left as shipped.
        /// </summary>
        private static string Rewrite(string shipped, int plainPort, int httpsPort, int servicePort, string folder)
        {
            var listens = 0;
            var conf = Regex.Replace(shipped, @"(?m)^(\s*listen\s+)(\d+)\b", m =>
            {
                listens++;
                var port = m.Groups[2].Value switch
                {
                    "80" => plainPort,
                    "443" => httpsPort,
                    var other => throw new InvalidOperationException($"deploy/nginx.example.conf listens on port {other}, which this test does not know"),
                };
                return $"{m.Groups[1].Value}127.0.0.1:{port}";
            });
            Assert.Equal(2, listens);

            var certificates = 0;
            conf = Regex.Replace(conf, @"(?m)^(\s*ssl_certificate(_key)?\s+)\S+;", m =>
            {
                certificates++;
                var file = m.Groups[2].Success ? "privkey.pem" : "fullchain.pem";
                return $"{m.Groups[1].Value}{Path.Combine(folder, file)};";
            });
            Assert.Equal(2, certificates);

            Assert.Contains(ShippedUpstream, conf, StringComparison.Ordinal);
            conf = conf.Replace(ShippedUpstream, $"http://127.0.0.1:{servicePort}", StringComparison.Ordinal);
            Assert.All(
                Regex.Matches(conf, @"proxy_pass\s+([^;]+);").Select(m => m.Groups[1].Value),
                upstream => Assert.Equal($"http://127.0.0.1:{servicePort}", upstream));
            Assert.Contains($"server_name {ServerName};", conf, StringComparison.Ordinal);
            return conf;
        }

        /// <summary>
        /// A minimal main configuration in place of Debian's /etc/nginx/nginx.conf, with every file
        /// nginx writes in the test's folder; the example goes in its http block, as a site does.
        /// </summary>
        private static string MainConfiguration(string folder) => $$"""
            daemon off;
            master_process off;
            worker_processes 1;
            pid {{folder}}/nginx.pid;
            error_log {{folder}}/error.log info;
            events {
                worker_connections 64;
            }
            http {
                access_log {{folder}}/access.log;
                client_body_temp_path {{folder}}/client_body;
                proxy_temp_path {{folder}}/proxy;
                fastcgi_temp_path {{folder}}/fastcgi;
                uwsgi_temp_path {{folder}}/uwsgi;
                scgi_temp_path {{folder}}/scgi;
                include {{folder}}/site.conf;
            }
            """;

        private static string[] Arguments(string folder) =>
            ["-p", folder + "/", "-c", Path.Combine(folder, "nginx.conf"), "-e", Path.Combine(folder, "error.log")];

        /// <summary>A self-signed certificate for the example's server_name; returns its SHA-256 hash.</summary>
        private static string WriteCertificate(string folder)
        {
            using var key = RSA.Create(2048);
            var request = new CertificateRequest($"CN={ServerName}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            var names = new SubjectAlternativeNameBuilder();
            names.AddDnsName(ServerName);
            request.CertificateExtensions.Add(names.Build());
            using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
            File.WriteAllText(Path.Combine(folder, "fullchain.pem"), certificate.ExportCertificatePem());
            File.WriteAllText(Path.Combine(folder, "privkey.pem"), key.ExportPkcs8PrivateKeyPem());
            return certificate.GetCertHashString(HashAlgorithmName.SHA256);
        }

        private static Process StartNginx(string folder)
        {
            var info = new ProcessStartInfo(NginxPath)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var argument in Arguments(folder))
            {
                info.ArgumentList.Add(argument);
            }

            var process = Process.Start(info) ?? throw new InvalidOperationException("nginx did not start");
            _ = process.StandardOutput.ReadToEndAsync();
            _ = process.StandardError.ReadToEndAsync();
            return process;
        }

        /// <summary>
        /// Until nginx accepts connections on both ports. nginx gives no signal of its own when it
        /// listens, so this asks; the safety timeout only turns a hang into a failure.
        /// </summary>
        private static async Task WaitListeningAsync(Process nginx, string folder, params int[] ports)
        {
            using var safety = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            foreach (var port in ports)
            {
                while (true)
                {
                    Assert.False(nginx.HasExited, $"nginx exited (code {(nginx.HasExited ? nginx.ExitCode : 0)}): {ErrorLog(folder)}");
                    using var probe = new TcpClient();
                    try
                    {
                        await probe.ConnectAsync(IPAddress.Loopback, port, safety.Token);
                        break;
                    }
                    catch (SocketException)
                    {
                        await Task.Delay(TimeSpan.FromMilliseconds(50), safety.Token);
                    }
                }
            }
        }

        private static string ErrorLog(string folder)
        {
            var path = Path.Combine(folder, "error.log");
            return File.Exists(path) ? File.ReadAllText(path) : "(no error.log)";
        }

        private static async Task StopAsync(Process? process)
        {
            if (process is null)
            {
                return;
            }

            try
            {
                if (!process.HasExited)
                {
                    process.Kill(entireProcessTree: true);
                }

                await process.WaitForExitAsync();
            }
            finally
            {
                process.Dispose();
            }
        }

        private static async Task<(int ExitCode, string Error)> RunAsync(string program, string[] arguments)
        {
            var info = new ProcessStartInfo(program)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var argument in arguments)
            {
                info.ArgumentList.Add(argument);
            }

            using var process = Process.Start(info) ?? throw new InvalidOperationException($"{program} did not start");
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            try
            {
                await process.WaitForExitAsync(patience.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
                Assert.Fail($"{program} {string.Join(' ', arguments)} did not end within a minute");
            }

            return (process.ExitCode, await output + await error);
        }
    }
}
