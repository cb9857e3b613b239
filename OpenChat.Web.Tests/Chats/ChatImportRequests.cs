using System.Net;
using System.Text;

namespace OpenChat.Web.Tests.Chats;

/// <summary>The settings page's import form, posted as a browser without JavaScript posts it (multipart, token in the form).</summary>
public static class ChatImportRequests
{
    public static async Task<HttpResponseMessage> ImportAsync(this GuestSession guest, string json, string fileName = "export.json")
    {
        var token = await guest.GetTokenAsync();
        using var form = new MultipartFormDataContent
        {
            { new StringContent(token), "__RequestVerificationToken" },
        };
        var file = new ByteArrayContent(Encoding.UTF8.GetBytes(json));
        file.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        form.Add(file, "file", fileName);
        return await guest.Client.PostAsync(new Uri("/settings/import", UriKind.Relative), form);
    }

    /// <summary>Imports one chat and returns its new id (the answer redirects to it).</summary>
    public static async Task<Guid> ImportChatAsync(this GuestSession guest, string json)
    {
        using var response = await guest.ImportAsync(json);
        Assert.True(response.StatusCode == HttpStatusCode.Redirect, $"Import answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return Guid.Parse(response.Headers.Location!.OriginalString["/chat/".Length..]);
    }
}
