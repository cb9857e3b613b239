namespace OpenChat.Web.Chats.Attachments;

/// <summary>What a model reads besides text, from the catalogue's <c>architecture.input_modalities</c>.</summary>
/// <param name="Known">False when the catalogue could not say (the model is missing or the list unavailable).</param>
public readonly record struct ModelInputs(string Name, bool Images, bool Files, bool Known)
{
    public static ModelInputs Unknown(string modelId) => new(modelId, false, false, false);
}
