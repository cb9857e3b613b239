using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Npgsql;
using OpenChat.Web.Chats;
using OpenChat.Web.Hosting;
using OpenChat.Web.Storage;
using OpenChat.Web.Storage.Fallback;
using OpenChat.Web.Tests.Infrastructure;

namespace OpenChat.Web.Tests.Storage;

/// <summary>The process stopped (or crashed mid-replay) during an outage: the next start replays the spool it left.</summary>
[Trait("Category", TestCategories.Integration)]
public sealed class SpoolLeftoverTests(PostgresDatabase db) : IClassFixture<PostgresDatabase>
{
    [Fact]
    public async Task A_spool_left_by_an_earlier_process_is_replayed_at_start_with_its_streaming_reply_interrupted()
    {
        using var app = new AppHost(new Dictionary<string, string?> { ["ConnectionStrings:Postgres"] = db.ConnectionString });
        var spool = new Spool(Options.Create(new StorageOptions { DataPath = app.DataPath }));
        const string owner = "guest_00000000000000000000000000000abc";
        var at = DateTimeOffset.UtcNow.ToStoragePrecision();
        var chat = new Chat(Guid.CreateVersion7(), owner, "Left in the spool", false, "m", at, at, at);
        await spool.Chats.CreateChatAsync(chat, default);
        await spool.Chats.AddMessageAsync(owner, new ChatMessage(Guid.CreateVersion7(), chat.Id, MessageRole.User, "Question", MessageStatus.Complete, null, null, null, at, at), default);
        await spool.Chats.AddMessageAsync(owner, new ChatMessage(Guid.CreateVersion7(), chat.Id, MessageRole.Assistant, "Half an ans", MessageStatus.Streaming, "m", null, null, at.AddTicks(10), at.AddTicks(10)), default);

        app.Start();

        await using var connection = new NpgsqlConnection(db.ConnectionString);
        Assert.Equal("Left in the spool", await connection.ExecuteScalarAsync<string>("select title from chats where id = @Id", new { chat.Id }));
        Assert.Equal(
            ["user Question complete", "assistant Half an ans interrupted"],
            (await connection.QueryAsync<string>("select role || ' ' || content || ' ' || status from messages where chat_id = @Id order by created_at", new { chat.Id })).ToList());
        Assert.Equal(0, spool.RecordCount());
        Assert.False(app.Services.GetRequiredService<PostgresBreaker>().IsOpen);
    }
}
