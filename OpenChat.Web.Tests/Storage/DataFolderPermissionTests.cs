using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using OpenChat.Web.Tests.Chats;
using OpenChat.Web.Tests.Chats.Attachments;
using OpenChat.Web.Tests.Infrastructure;

namespace OpenChat.Web.Tests.Storage;

/// <summary>
/// The data folder holds password hashes, encrypted keys and everybody's chats (issue 12, item 14): everything in it
/// is created for the app's own user only, and the Data Protection key ring can be encrypted at rest.
/// </summary>
[Trait("Category", TestCategories.Integration)]
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class DataFolderPermissionTests
{
    private const UnixFileMode OwnerOnlyFolder = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode OwnerOnlyFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    [Fact]
    public async Task Every_folder_and_file_the_app_writes_is_readable_by_its_owner_only()
    {
        await using var llm = await FakeOpenRouter.StartAsync();
        var dataPath = Path.Combine(Directory.CreateTempSubdirectory("openchat-modes-").FullName, "data");
        using var app = new AppHost(new Dictionary<string, string?>
        {
            ["Storage:DataPath"] = dataPath,
            ["OpenRouter:BaseUrl"] = llm.BaseUrl.ToString(),
            ["OpenRouter:ApiKey"] = llm.ValidKey,
        }).Start();

        // A member, a chat with a reply on the operator key (ledger), an attachment, preferences, a streaming marker.
        using var member = new GuestSession(app);
        using (var signUp = await member.PostAsync("/account/sign-up", new Dictionary<string, string>
               { ["name"] = "Mo", ["email"] = $"mo-{Guid.NewGuid():N}@example.com", ["password"] = "correct horse battery staple" }))
        {
            Assert.True(signUp.IsSuccessStatusCode || signUp.StatusCode == HttpStatusCode.Redirect, $"sign-up: {(int)signUp.StatusCode}");
        }

        llm.EnqueueReply(FakeReply.Text("Noted."));
        using (var sent = await member.PostFilesAsync("/chat", "Keep this file", ("notes.md", AttachmentSamples.Markdown)))
        {
            Assert.Equal(HttpStatusCode.NoContent, sent.StatusCode);
            await ChatPagesTests.WaitUntilIdleAsync(member, Guid.Parse(sent.Headers.GetValues("HX-Location").Single()["/chat/".Length..]));
        }

        using (var appearance = await member.PostAsync("/settings/appearance", new Dictionary<string, string> { ["uiTheme"] = "dark", ["brandTheme"] = "violet" }))
        {
            Assert.True(appearance.IsSuccessStatusCode);
        }

        var folders = Directory.EnumerateDirectories(dataPath, "*", SearchOption.AllDirectories).Prepend(dataPath).ToList();
        var files = Directory.EnumerateFiles(dataPath, "*", SearchOption.AllDirectories).ToList();
        Assert.Contains(files, f => f.Contains($"{Path.DirectorySeparatorChar}keys{Path.DirectorySeparatorChar}", StringComparison.Ordinal));
        Assert.Contains(files, f => f.EndsWith(".bin", StringComparison.Ordinal));
        Assert.Contains(files, f => f.Contains("members", StringComparison.Ordinal));
        Assert.All(folders, f => Assert.True(File.GetUnixFileMode(f) == OwnerOnlyFolder, $"{f}: {File.GetUnixFileMode(f)}"));
        Assert.All(files, f => Assert.True(File.GetUnixFileMode(f) == OwnerOnlyFile, $"{f}: {File.GetUnixFileMode(f)}"));
    }

    [Fact]
    public async Task With_a_certificate_configured_the_key_ring_is_encrypted_at_rest_and_read_back_after_a_restart()
    {
        var folder = Directory.CreateTempSubdirectory("openchat-dpcert-").FullName;
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest("CN=OpenChat test key ring", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
        var pfx = Path.Combine(folder, "keyring.pfx");
        await File.WriteAllBytesAsync(pfx, certificate.Export(X509ContentType.Pkcs12, "pfx-password"));
        var settings = new Dictionary<string, string?>
        {
            ["Storage:DataPath"] = Path.Combine(folder, "data"),
            ["DataProtection:CertificatePath"] = pfx,
            ["DataProtection:CertificatePassword"] = "pfx-password",
        };
        var cookies = new CookieContainer();
        using (var first = new AppHost(settings).Start())
        {
            using var guest = new GuestSession(first, cookies);
            // A guest now, in a cookie the key ring protects.
            await guest.ImportChatAsync(ExportDocument.Of("Kept across restarts", null, [new ExportDocument.Turn("user", "hello", DateTimeOffset.UtcNow)]));
        }

        var keys = Directory.GetFiles(Path.Combine(folder, "data", "keys"), "*.xml");
        Assert.NotEmpty(keys);
        Assert.All(keys, k =>
        {
            var xml = File.ReadAllText(k);
            Assert.Contains("EncryptedXml", xml, StringComparison.Ordinal);
            Assert.DoesNotContain("<masterKey", xml, StringComparison.Ordinal);
        });

        // A new process reads the encrypted ring back with the certificate: the guest's cookie still names the guest.
        using var second = new AppHost(settings).Start();
        using var again = new GuestSession(second, cookies);
        var page = await again.GetDocumentAsync("/chat");
        Assert.Contains("Kept across restarts", Assert.Single(page.QuerySelectorAll("#chat-list .chat-item")).TextContent, StringComparison.Ordinal);
        Assert.DoesNotContain(second.LogLines, l => l.Contains("Error unprotecting", StringComparison.OrdinalIgnoreCase));
    }
}
