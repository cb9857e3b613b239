using Microsoft.Extensions.Options;
using OpenChat.Web.Accounts;
using OpenChat.Web.Chats;
using OpenChat.Web.Chats.Attachments;
using OpenChat.Web.Storage;

namespace OpenChat.Web.OpenRouter;

/// <summary>Models of one provider, in the order the picker lists them.</summary>
public sealed record ModelGroup(string Provider, string Label, IReadOnlyList<ModelInfo> Models);

/// <summary>The picker button: the model a send would use, for the dashboard (owner's default) or a chat (its own).</summary>
/// <param name="Inputs">What the model reads besides text (the attach button says it); null when the catalogue does not know it.</param>
public sealed record ModelButtonView(string ModelId, string Name, string? ProviderName, Guid? ChatId, ModelInputs? Inputs = null);

/// <summary>The searchable list: groups that match the query, which model is current, and any notice about the list's age.</summary>
public sealed record ModelPickerView(
    Guid? ChatId,
    string? Query,
    string CurrentModelId,
    IReadOnlyList<ModelGroup> Groups,
    int MatchCount,
    int TotalCount,
    string? Notice)
{
    public string CountText => TotalCount == 0 ? "No models available"
        : MatchCount == TotalCount ? $"{TotalCount} models"
        : MatchCount == 1 ? "1 model matches" : $"{MatchCount} models match";

    public string? ReturnUrl => ChatId is { } id ? $"/chat/{id:D}" : "/chat";
}

/// <summary>
/// Which model a send uses and how people change it: the chat's own model, else the owner's default (preferences),
/// else <c>OpenRouter:DefaultModel</c>. Choosing checks the id against the catalogue and remembers it both as the
/// owner's default and, when made on a chat, for that chat.
/// </summary>
public sealed class ModelPicker(
    ModelCatalogue catalogue,
    IPreferenceRepository preferences,
    IChatRepository chats,
    TimeProvider clock,
    IOptions<OpenRouterOptions> openRouter,
    IOptions<ModelCatalogueOptions> options,
    Telemetry.ProductAnalytics analytics)
{
    public const int MaxQueryLength = 100;

    public static ChatError UnknownModel { get; } = new(StatusCodes.Status422UnprocessableEntity,
        "That model is not in OpenRouter's model list. Choose one from the list.");

    public static ChatError CatalogueUnavailable { get; } = new(StatusCodes.Status503ServiceUnavailable,
        "The model list is unavailable right now, so the choice cannot be checked. Try again in a minute.");

    /// <summary>The model a new chat of this owner starts with.</summary>
    public async Task<string> DefaultModelAsync(string? ownerId, CancellationToken cancellationToken)
    {
        var chosen = ownerId is null ? null : (await preferences.FindAsync(ownerId, cancellationToken))?.ModelId;
        return string.IsNullOrWhiteSpace(chosen) ? openRouter.Value.DefaultModel : chosen;
    }

    /// <summary>What the model reads besides text; waits for the catalogue when it has to be fetched.</summary>
    public async Task<ModelInputs> InputsAsync(string modelId, CancellationToken cancellationToken)
    {
        var view = await catalogue.GetAsync(cancellationToken);
        return view.Snapshot?.Find(modelId) is { } model ? model.Inputs : ModelInputs.Unknown(modelId);
    }

    /// <summary>What the model reads, from the catalogue in memory now (never waits; unknown when it is not loaded).</summary>
    public ModelInputs CurrentInputs(string modelId) =>
        catalogue.Current().Snapshot?.Find(modelId) is { } model ? model.Inputs : ModelInputs.Unknown(modelId);

    /// <summary>The button for a page; waits only briefly for the catalogue (the name falls back to the id).</summary>
    public async Task<ModelButtonView> ButtonAsync(string? ownerId, Chat? chat, CancellationToken cancellationToken)
    {
        var modelId = chat?.ModelId ?? await DefaultModelAsync(ownerId, cancellationToken);
        var view = await catalogue.GetAsync(cancellationToken, options.Value.PageWait);
        return Button(modelId, view, chat?.Id);
    }

    /// <returns>Null when <paramref name="chatId"/> is not a chat of this owner.</returns>
    public async Task<ModelPickerView?> ListAsync(string? ownerId, Guid? chatId, string? query, CancellationToken cancellationToken)
    {
        Chat? chat = null;
        if (chatId is { } id)
        {
            chat = ownerId is null ? null : await chats.FindChatAsync(ownerId, id, cancellationToken);
            if (chat is null)
            {
                return null;
            }
        }

        var current = chat?.ModelId ?? await DefaultModelAsync(ownerId, cancellationToken);
        var view = await catalogue.GetAsync(cancellationToken);
        var clean = Clean(query);
        var terms = clean?.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [];
        var matches = view.Models.Where(m => m.Matches(terms)).ToList();
        return new ModelPickerView(chatId, clean, current, Group(matches), matches.Count, view.Models.Count, view.Notice);
    }

    /// <summary>The catalogue's entry for <paramref name="modelId"/>, or why it cannot be chosen.</summary>
    public async Task<ChatResult<ModelInfo>> FindAsync(string? modelId, CancellationToken cancellationToken)
    {
        var view = await catalogue.GetAsync(cancellationToken);
        if (view.Snapshot is null)
        {
            return CatalogueUnavailable;
        }

        return view.Snapshot.Find(modelId?.Trim()) is { } model ? model : UnknownModel;
    }

    /// <summary>Remembers the model as the owner's default and, with <paramref name="chatId"/>, for that chat.</summary>
    public async Task<ChatResult<ModelButtonView>> ChooseAsync(string ownerId, ModelInfo model, Guid? chatId, CancellationToken cancellationToken)
    {
        var now = clock.StorageNow();
        if (chatId is { } id && !await chats.SetChatModelAsync(ownerId, id, model.Id, now, cancellationToken))
        {
            return ChatError.NotFound;
        }

        var saved = await preferences.FindAsync(ownerId, cancellationToken) ?? Preferences.Default(ownerId);
        await preferences.SaveAsync(saved with { ModelId = model.Id, UpdatedAt = now }, cancellationToken);
        await analytics.CaptureAsync("settings.changed", p =>
        {
            p["setting"] = "model_id";
            p["value"] = model.Id;
        });
        return new ModelButtonView(model.Id, model.ShortName, model.ProviderName, chatId, model.Inputs);
    }

    public static ModelButtonView Button(string modelId, CatalogueView view, Guid? chatId) =>
        view.Snapshot?.Find(modelId) is { } model
            ? new ModelButtonView(model.Id, model.ShortName, model.ProviderName, chatId, model.Inputs)
            : new ModelButtonView(modelId, modelId, null, chatId);

    /// <summary>Providers in alphabetical order of their label, models by name within each.</summary>
    public static IReadOnlyList<ModelGroup> Group(IEnumerable<ModelInfo> models) =>
        models
            .GroupBy(m => m.Provider, StringComparer.OrdinalIgnoreCase)
            .Select(g =>
            {
                var list = g.OrderBy(m => m.ShortName, StringComparer.OrdinalIgnoreCase).ThenBy(m => m.Id, StringComparer.Ordinal).ToList();
                var label = list.Select(m => m.ProviderName).GroupBy(n => n, StringComparer.Ordinal).OrderByDescending(n => n.Count()).First().Key;
                return new ModelGroup(g.Key, label, list);
            })
            .OrderBy(g => g.Label, StringComparer.OrdinalIgnoreCase)
            .ToList();

    private static string? Clean(string? query)
    {
        var trimmed = ChatTitle.Collapse(query ?? string.Empty);
        if (trimmed.Length == 0)
        {
            return null;
        }

        return trimmed.Length > MaxQueryLength ? trimmed[..MaxQueryLength] : trimmed;
    }
}
