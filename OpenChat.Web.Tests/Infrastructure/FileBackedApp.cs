namespace OpenChat.Web.Tests.Infrastructure;

/// <summary>A class fixture: one app on the embedded default (file store) shared by a test class's tests.</summary>
public sealed class FileBackedApp : IDisposable
{
    public AppHost Host { get; } = new AppHost().Start();

    public void Dispose() => Host.Dispose();
}
