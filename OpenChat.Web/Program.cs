using OpenChat.Web.Accounts;
using OpenChat.Web.Chats;
using OpenChat.Web.Conversations;
using OpenChat.Web.Generation;
using OpenChat.Web.Hosting;
using OpenChat.Web.Instances;
using OpenChat.Web.Live;
using OpenChat.Web.OpenRouter;
using OpenChat.Web.Platform;
using OpenChat.Web.Platform.RateLimiting;
using OpenChat.Web.Storage;
using OpenChat.Web.Telemetry;

var builder = WebApplication.CreateBuilder(new WebApplicationOptions
{
    Args = args,
    WebRootPath = WebRootLocator.Locate(),
});

builder.Configuration.AddConventionalEnvironmentVariables();
builder.WebHost.UsePortFromEnvironment(builder.Configuration);

builder.Services.AddWebPlatform(builder.Environment);
builder.Services.AddTrustedProxies(builder.Configuration);
builder.Services.AddRateLimits(builder.Configuration);
builder.Services.AddStorage(builder.Configuration);
builder.Services.AddAccounts();
builder.Services.AddChats();
builder.Services.AddLive(builder.Configuration);
builder.Services.AddOpenRouter(builder.Configuration);
builder.Services.AddInstances(builder.Configuration);
builder.Services.AddGeneration(builder.Configuration);
builder.Services.AddConversations();
builder.Services.AddTelemetry(builder.Configuration);

var app = builder.Build();

app.UseWebPlatform();
app.UseStorageFallback();
app.MapHealthEndpoints();
app.MapLiveStream();
app.MapClientEventIngest();
app.MapCspReports();
app.MapRazorPages();

await app.RunAsync();
